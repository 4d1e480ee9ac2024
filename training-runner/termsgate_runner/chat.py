"""Chat formatting of training records: prompt text from the messages, completion appended after it."""

SYSTEM, USER, ASSISTANT, END, PAD = "<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "<|pad|>"
SPECIAL_TOKENS = [PAD, END, SYSTEM, USER, ASSISTANT]
ROLE_TAGS = {"system": SYSTEM, "developer": SYSTEM, "user": USER, "assistant": ASSISTANT}


def message_text(content) -> str:
    """Text of an OpenAI or Anthropic message content: a string or a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def render_prompt(messages, tokenizer=None) -> str:
    """Uses the student's own chat template when it has one, else the runner's tags."""
    turns = [{"role": m.get("role", "user"), "content": message_text(m.get("content"))} for m in messages if isinstance(m, dict)]
    if tokenizer is not None and getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(turns, tokenize=False, add_generation_prompt=True)
    return "".join(f"{ROLE_TAGS.get(t['role'], USER)}\n{t['content']}\n" for t in turns) + f"{ASSISTANT}\n"
