/**
 * Similarity and rank-agreement measures for transferability estimates: cosine similarity of
 * embeddings, Spearman's rank correlation and NDCG@k of a predicted ranking against measured
 * scores ({@link io.github.prefine.eval.ranking.RankingMetrics}).
 */
package io.github.prefine.eval.ranking;
