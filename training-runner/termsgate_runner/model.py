"""The student: a transformers causal LM loaded by name or path, or built from the config."""
from transformers import AutoModelForCausalLM, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

from .config import StudentConfig


def build_student(cfg: StudentConfig, tokenizer):
    if cfg.name_or_path:
        return AutoModelForCausalLM.from_pretrained(cfg.name_or_path)
    vocab = len(tokenizer)
    if cfg.arch == "llama":
        return LlamaForCausalLM(
            LlamaConfig(
                vocab_size=vocab,
                hidden_size=cfg.hidden_size,
                intermediate_size=cfg.intermediate_size,
                num_hidden_layers=cfg.num_layers,
                num_attention_heads=cfg.num_heads,
                num_key_value_heads=cfg.num_heads,
                max_position_embeddings=cfg.max_seq_len,
                pad_token_id=tokenizer.pad_token_id,
                eos_token_id=tokenizer.eos_token_id,
                bos_token_id=None,
                tie_word_embeddings=True,
            )
        )
    if cfg.arch == "gpt2":
        return GPT2LMHeadModel(
            GPT2Config(
                vocab_size=vocab,
                n_embd=cfg.hidden_size,
                n_inner=cfg.intermediate_size,
                n_layer=cfg.num_layers,
                n_head=cfg.num_heads,
                n_positions=cfg.max_seq_len,
                pad_token_id=tokenizer.pad_token_id,
                eos_token_id=tokenizer.eos_token_id,
                bos_token_id=tokenizer.eos_token_id,
            )
        )
    raise ValueError(f"unknown student arch {cfg.arch!r}")


def param_count(model) -> int:
    return sum(p.numel() for p in model.parameters())
