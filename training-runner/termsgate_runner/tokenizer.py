"""The student's tokenizer: loaded from a path, or a byte-level BPE trained on the data itself."""
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import AutoTokenizer, PreTrainedTokenizerFast

from .chat import END, PAD, SPECIAL_TOKENS


def train_bpe(texts: list[str], vocab_size: int) -> PreTrainedTokenizerFast:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token=PAD, eos_token=END)


def load_or_build(path: str | None, texts: list[str], vocab_size: int, save_to: Path):
    """A saved tokenizer in save_to wins (resume, other ranks); then an explicit path; then a fresh BPE."""
    if (save_to / "tokenizer.json").exists():
        return AutoTokenizer.from_pretrained(save_to)
    tok = AutoTokenizer.from_pretrained(path) if path else train_bpe(texts, vocab_size)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    tok.save_pretrained(save_to)
    return tok
