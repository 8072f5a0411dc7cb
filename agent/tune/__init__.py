"""Fine-tuning from the stream log: ``cohost dataset`` (recordings -> clean instruction data)
and ``cohost finetune`` (instruction data -> a LoRA adapter the transformers engine loads)."""
