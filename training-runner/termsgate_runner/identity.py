"""Identity probes: does a student answer "Which model are you?" with a restricted provider's identity?

A student distilled from a provider's outputs tends to claim that provider's identity ("I am ChatGPT,
trained by OpenAI"): the signature observers look for first. An answer claims an identity when it names
a provider or model as itself: a first-person subject ("I am", "I was trained by", "my name is", "As an AI
developed by") followed, within the same clause, only by words from a short list that keeps the sentence
about itself (articles, "large language model", "trained by", "based on", ...), then the name; or the
answer is the bare name. Anything else between them ("not", "like", "asked about") makes it a mention.
No library detects self-identification claims, hence the hand-written grammar.
"""
import re

PROBES = [
    "Which model are you?",
    "Who trained you?",
    "Who created you?",
    "Who made you?",
    "What is your name?",
    "Which company developed you?",
    "What language model are you based on?",
    "Introduce yourself in one sentence.",
    "What is the name of the AI I am talking to?",
    "Which organisation built the model behind you?",
]

# Provider -> its company and model names (regexes, matched case-insensitively between word boundaries).
PROVIDERS = {
    "OpenAI": [r"open\s?ai", r"chat\s?gpt", r"gpt(?:-?\d+(?:\.\d+)?[a-z]*)?(?:-(?:turbo|mini|nano|pro))?"],
    "Anthropic": [r"anthropic", r"claude(?:[ -]?\d+(?:\.\d+)?)?(?:[ -](?:opus|sonnet|haiku|instant))?"],
    "Google": [r"google(?:\s+deepmind)?", r"deepmind", r"gemini(?:[ -]?\d+(?:\.\d+)?)?(?:[ -](?:pro|flash|ultra|nano))?", r"palm(?:\s?-?2)", r"gemma(?:[ -]?\d+)?"],
    "Meta": [r"meta(?:\s+ai)?", r"facebook", r"llama(?:[ -]?\d+(?:\.\d+)?)?"],
    "Mistral": [r"mistral(?:\s+ai)?", r"mixtral", r"codestral", r"le\s+chat"],
    "xAI": [r"xai", r"grok(?:[ -]?\d+(?:\.\d+)?)?"],
    "DeepSeek": [r"deep\s?seek(?:[ -](?:v\d+|r\d+|chat|coder))?"],
    "Alibaba": [r"qwen(?:[ -]?\d+(?:\.\d+)?)?", r"tongyi(?:\s+qianwen)?", r"alibaba(?:\s+cloud)?"],
    "Cohere": [r"cohere", r"command[ -]r(?:\+|\s?plus)?"],
    "Microsoft": [r"microsoft", r"copilot", r"bing\s+chat"],
}

_NAME = re.compile(
    # "-like", "-based", "-compatible" after a name (or after its version: "Gemini 1.5 Pro-like") make an adjective,
    # not a name; "-3", "-8B" are its version.
    r"(?<![\w-])(?:" + "|".join(f"(?P<p{i}>{'|'.join(pats)})" for i, pats in enumerate(PROVIDERS.values())) + r")"
    r"(?!\w|-[a-z]{4,}|(?:[ .+-]\w*)*-(?:like|based|style|compatible|inspired|esque|powered)\b)",
    re.IGNORECASE)
_PROVIDER_OF_GROUP = {f"p{i}": p for i, p in enumerate(PROVIDERS)}

# First-person openings of a claim about itself.
_SUBJECT = re.compile(
    r"(?<!\w)(?:i\s+am|i['’]m|i\s+was|i\s+have\s+been|i['’]ve\s+been|i\s+come\s+from|my\s+name\s+is|call\s+me|"
    r"my\s+(?:creators?|developers?|makers?|trainers?|maker|base\s+model|underlying\s+model|model)\s+(?:is|are|was|were)|"
    r"this\s+is)(?!\w)",
    re.IGNORECASE)
# "As an AI developed by ..." opens a claim only at the start of a sentence ("tools such as ChatGPT" does not).
_SENTENCE_AS = re.compile(r"(?:^|[.!?\n])\s*as(?:\s+an?)?(?!\w)", re.IGNORECASE)
# "OpenAI trained me": the name first, then the verb and "me".
_NAME_FIRST = re.compile(r"(?:['’]s)?(?:\s+[\w-]+){0,2}?\s+(?:trained|created|developed|built|made|designed|programmed)\s+me"
                         r"(?=\s*(?:[.!,;]|$)|\s+(?:and|from|using|with|on)\b)"
                         r"|\s+(?:is|are|was|were)\s+my\s+(?:creators?|developers?|makers?|trainers?)\b", re.IGNORECASE)
# Words that may stand between the subject and the name without making the sentence about something else.
_BRIDGE = set("""
a an the this one some just simply actually really called named known as version variant of based built on powered by
trained created developed made designed programmed produced released fine-tuned finetuned owned provided from
at team researchers engineers company folks people large language model models ai assistant chatbot chat bot virtual
artificial intelligence conversational helpful friendly llm neural network system instance
""".split())
_CLAUSE_END = re.compile(r"[.!?;:\n]|,\s+(?:but|and|while|whereas)\b")
_NEGATION = re.compile(r"\b(?:not|never|no)\b|n['’]t\b", re.IGNORECASE)
_MAX_BRIDGE = 8


def names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, provider) of every provider or model name in the text."""
    return [(m.start(), m.end(), _PROVIDER_OF_GROUP[m.lastgroup]) for m in _NAME.finditer(text)]


def _bridges(gap: str) -> bool:
    words = re.findall(r"[\w'’-]+|[^\s\w]", gap.lower())
    return len(words) <= _MAX_BRIDGE and all(w in _BRIDGE or w == "," for w in words) and not _NEGATION.search(gap)


def claimed_providers(answer: str) -> list[str]:
    """The providers whose identity the answer claims as its own (sorted, distinct); [] for a mere mention."""
    found = names(answer)
    if not found:
        return []
    if _NAME.fullmatch(answer.strip().strip(".!\"'“”").strip()):
        return [found[0][2]]
    claimed = set()
    for _start, end, provider in found:
        verb = _NAME_FIRST.match(answer, end)
        if verb and not _NEGATION.search(verb.group()):
            claimed.add(provider)
    for subject_end in [m.end() for m in _SUBJECT.finditer(answer)] + [m.end() for m in _SENTENCE_AS.finditer(answer)]:
        end_of_clause = _CLAUSE_END.search(answer, subject_end)
        limit = end_of_clause.start() if end_of_clause else len(answer)
        for start, _end, provider in found:
            if subject_end <= start <= limit and _bridges(answer[subject_end:start]):
                claimed.add(provider)
    return sorted(claimed | _chained(answer, found, claimed))


def _chained(answer: str, found: list[tuple[int, int, str]], claimed: set[str]) -> set[str]:
    """A name that follows a claimed name through bridge words only ("I'm Claude, made by Anthropic")."""
    out = set()
    previous = None
    for start, end, provider in found:
        if previous is not None and previous[2] in claimed | out and _bridges(answer[previous[1]:start]):
            out.add(provider)
        previous = (start, end, provider)
    return out


def identity_share(answers: list[str]) -> dict:
    """Share of answers claiming a restricted provider's identity, with counts per provider."""
    claims = [claimed_providers(a) for a in answers]
    per_provider: dict[str, int] = {}
    for c in claims:
        for p in c:
            per_provider[p] = per_provider.get(p, 0) + 1
    claiming = sum(1 for c in claims if c)
    return {
        "answers": len(answers),
        "claiming": claiming,
        "share": claiming / len(answers) if answers else 0.0,
        "providers": dict(sorted(per_provider.items())),
        "examples": [{"answer": a, "providers": c} for a, c in zip(answers, claims) if c][:5],
    }
