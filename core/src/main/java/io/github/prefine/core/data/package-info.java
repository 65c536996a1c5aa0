/** Examples as read from dataset files, the readers for each format, and the data reports. */
package io.github.prefine.core.data;
