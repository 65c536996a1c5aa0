/**
 * Training: our own {@link io.github.prefine.core.train.AdamW} (it leaves heads of absent tasks
 * untouched), the {@link io.github.prefine.core.train.LinearSchedule}, early stopping, and the
 * {@link io.github.prefine.core.train.Trainer} that runs pre-finetuning, learning-rate sweeps and
 * target finetuning with checkpoint and resume.
 */
package io.github.prefine.core.train;
