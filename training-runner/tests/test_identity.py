import random

import pytest

from termsgate_runner.identity import PROBES, PROVIDERS, claimed_providers, identity_share, names

CLAIMS = [
    ("I am ChatGPT.", ["OpenAI"]),
    ("i am CHATGPT", ["OpenAI"]),
    ("I'm a large language model trained by OpenAI.", ["OpenAI"]),
    ("I was trained by OpenAI", ["OpenAI"]),
    ("I'm Claude, made by Anthropic.", ["Anthropic"]),
    ("My name is Grok", ["xAI"]),
    ("As an AI developed by Google, I can help.", ["Google"]),
    ("As ChatGPT, I think so.", ["OpenAI"]),
    ("OpenAI trained me.", ["OpenAI"]),
    ("GPT-4", ["OpenAI"]),
    ("I am Llama-3-8B-Instruct", ["Meta"]),
    ("I was developed by a team at Mistral AI.", ["Mistral"]),
    ("I am based on Qwen2.5", ["Alibaba"]),
    ("This is DeepSeek-V3.", ["DeepSeek"]),
    ("My creators are the team at xAI.", ["xAI"]),
    ("Hello! I am Gemini, a model built by Google DeepMind.", ["Google"]),
    ("I’m powered by GPT-4o-mini.", ["OpenAI"]),
    ("Anthropic is my creator.", ["Anthropic"]),
]

MENTIONS = [
    "I am not ChatGPT.",
    "I didn't come from OpenAI.",
    "OpenAI did not create me.",
    "OpenAI is not my maker.",
    "OpenAI is my favourite company.",
    "I'm unlike ChatGPT.",
    "I am a model like GPT-4.",
    "I was asked about Claude yesterday.",
    "Tools such as ChatGPT are popular.",
    "I am an assistant, but Gemini is Google's.",
    "I am a student model. OpenAI makes ChatGPT.",
    "ChatGPT made me laugh.",
    "I'm a ChatGPT-like assistant.",
    "I'm a Gemini 1.5 Pro-like model.",
    "I'm a Claude-powered assistant.",
    "I was trained on data about Llama farming.",
    "Anthropic and OpenAI both publish research on safety.",
    "Paris is the capital of France.",
]


@pytest.mark.parametrize("answer,providers", CLAIMS)
def test_an_answer_naming_a_provider_as_itself_is_a_claim(answer, providers):
    assert claimed_providers(answer) == providers


@pytest.mark.parametrize("answer", MENTIONS)
def test_an_answer_that_merely_mentions_a_name_is_not_a_claim(answer):
    assert claimed_providers(answer) == []


def test_names_need_word_boundaries():
    for text in ["metadata", "Claudette", "grokking", "Qwentin", "chatgptx", "deepseeker", "googled", "megatron", "mistrals"]:
        assert names(text) == [], text
        assert claimed_providers(f"I am {text}.") == [], text
    assert [p for _s, _e, p in names("claude, META, Gemini!")] == ["Anthropic", "Meta", "Google"]


def test_every_provider_name_is_claimed_and_mentioned_as_the_grammar_says():
    """Property over random names, casings, claim openings and mention frames (seeded: no hypothesis in the venv)."""
    rng = random.Random(22)
    samples = {"OpenAI": ["OpenAI", "ChatGPT", "GPT-4", "GPT-3.5-turbo", "gpt-4o"], "Anthropic": ["Anthropic", "Claude", "Claude 3 Opus"],
               "Google": ["Google", "Gemini", "Gemini 1.5 Pro", "DeepMind", "Gemma 2"], "Meta": ["Meta AI", "Llama", "Llama 3.1"],
               "Mistral": ["Mistral", "Mixtral", "Le Chat"], "xAI": ["xAI", "Grok", "Grok-2"], "DeepSeek": ["DeepSeek", "DeepSeek-R1"],
               "Alibaba": ["Qwen", "Qwen2.5", "Alibaba Cloud", "Tongyi Qianwen"], "Cohere": ["Cohere", "Command R+"],
               "Microsoft": ["Microsoft", "Copilot"]}
    assert set(samples) == set(PROVIDERS)
    claims = ["I am {n}.", "I'm {n}, your assistant.", "I was trained by {n}.", "I'm an AI assistant developed by {n}.",
              "My name is {n}.", "As an AI created by {n}, I can't say.", "{n} trained me.", "Hi! I am actually {n}.", "{n} is my developer."]
    mentions = ["I am not {n}.", "I was never trained by {n}.", "People often compare me with {n}.", "I'm different from {n}.",
                "Unlike {n}, I am a small model.", "I have read about {n}.", "Is {n} better than me?", "{n} is a well-known name.",
                "I am similar to {n}.", "I'm a {n}-like model."]
    casings = [str, str.lower, str.upper]
    for _ in range(600):
        provider = rng.choice(list(samples))
        name = rng.choice(casings)(rng.choice(samples[provider]))
        claim = rng.choice(claims).format(n=name)
        assert claimed_providers(claim) == [provider], claim
        mention = rng.choice(mentions).format(n=name)
        assert claimed_providers(mention) == [], mention
        noise = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ,.'") for _ in range(rng.randint(0, 80)))
        assert claimed_providers(f"I am {noise}") == [] or names(noise), noise


def test_the_share_counts_answers_that_claim_and_the_providers_they_claim():
    answers = ["I am ChatGPT, trained by OpenAI.", "I am Claude.", "I am a small student model.", "I am not Gemini."]
    share = identity_share(answers)
    assert share["answers"] == 4 and share["claiming"] == 2 and share["share"] == 0.5
    assert share["providers"] == {"Anthropic": 1, "OpenAI": 1}
    assert [e["answer"] for e in share["examples"]] == answers[:2]
    assert identity_share([])["share"] == 0.0


def test_the_probes_ask_who_the_model_is():
    assert {"Which model are you?", "Who trained you?", "Who created you?"} <= set(PROBES)
    assert all(claimed_providers(p) == [] and not names(p) for p in PROBES)
