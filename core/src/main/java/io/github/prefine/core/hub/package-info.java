/**
 * Model sources: {@link io.github.prefine.core.hub.ModelResolver} turns a model id or a path into a
 * local HF folder, from a folder on disk, the Hugging Face cache that Python tools share, or a
 * resumable, hash-checked download from the Hub, configured by
 * {@link io.github.prefine.core.hub.HubSettings}.
 */
package io.github.prefine.core.hub;
