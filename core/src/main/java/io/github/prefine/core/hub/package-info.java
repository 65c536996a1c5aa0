/**
 * Model sources: {@link io.github.prefine.core.hub.ModelResolver} turns a model id or a path into a
 * local HF folder, from a folder on disk, the Hugging Face cache that Python tools share, or a
 * resumable, hash-checked download from the Hub, configured by
 * {@link io.github.prefine.core.hub.HubSettings}; the two pieces it shares with the examples' dataset
 * fetcher: {@link io.github.prefine.core.hub.HubHttp} (requests under the token rules, retried while
 * the Hub is busy or failing) and
 * {@link io.github.prefine.core.hub.ResumableDownload} (resumable, checked downloads); and
 * {@link io.github.prefine.core.hub.MiniLmArtifact}, the pretrained all-MiniLM-L6-v2 imported from
 * the ONNX file a Maven artifact carries.
 */
package io.github.prefine.core.hub;
