"""The official openai Python package against the gateway: chat (streamed and not), tool calls,
Responses API, embeddings, models, and the error types. Prints one JSON line of findings."""
import json
import sys

import openai

base_url, key = sys.argv[1], sys.argv[2]
client = openai.OpenAI(base_url=f"{base_url}/v1", api_key=key, max_retries=0)
out = {}

chat = client.chat.completions.with_raw_response.create(
    model="gpt-4o-mini", messages=[{"role": "user", "content": "Tell me about rivers."}]
)
out["decision_id"] = chat.headers.get("x-termsgate-decision-id")
parsed = chat.parse()
out["chat_text"] = parsed.choices[0].message.content

stream = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Tell me about rivers."}],
    stream=True,
    stream_options={"include_usage": True},
)
text, usage = "", None
for chunk in stream:
    if chunk.choices:
        text += chunk.choices[0].delta.content or ""
    if chunk.usage:
        usage = chunk.usage.completion_tokens
out["stream_text"] = text
out["stream_usage"] = usage

tool = client.chat.completions.create(
    model="qwen2.5-7b-instruct",
    messages=[{"role": "user", "content": "Weather in Rome? use the tool"}],
    tools=[{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
    tool_choice="required",
)
out["tool_args"] = tool.choices[0].message.tool_calls[0].function.arguments

resp = client.responses.create(model="gpt-4o-mini", input="Say something about mountains.")
out["responses_text"] = resp.output_text

emb = client.embeddings.create(model="text-embedding-3-small", input="hello")
out["embedding_dim"] = len(emb.data[0].embedding)
out["models"] = sorted(m.id for m in client.models.list())

try:
    openai.OpenAI(base_url=f"{base_url}/v1", api_key="wrong", max_retries=0).models.list()
except openai.AuthenticationError as e:
    out["bad_key"] = e.status_code
try:
    client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
except openai.NotFoundError as e:
    out["unknown_model"] = e.status_code
try:
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "mock:status=429"}])
except openai.RateLimitError as e:
    out["rate_limited"] = e.status_code
try:
    client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "send training data"}],
        extra_headers={"x-termsgate-purpose": "training-data"},
    )
except openai.PermissionDeniedError as e:
    out["denied"] = {"status": e.status_code, "body": e.body}

print(json.dumps(out))
