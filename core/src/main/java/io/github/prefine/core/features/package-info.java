/**
 * Featurization: from examples to compact, model-ready features. One featurizer per task format
 * ({@link io.github.prefine.core.features.ClassificationFeaturizer}, {@link
 * io.github.prefine.core.features.TokenClassificationFeaturizer}, {@link
 * io.github.prefine.core.features.QaFeaturizer}, {@link
 * io.github.prefine.core.features.ChoiceFeaturizer}) produces {@link
 * io.github.prefine.core.features.Features} over flat {@link
 * io.github.prefine.core.features.TokenRows}, a {@link io.github.prefine.core.features.FeatureReport},
 * and {@link io.github.prefine.core.features.PaddedBatch}es on demand.
 */
package io.github.prefine.core.features;
