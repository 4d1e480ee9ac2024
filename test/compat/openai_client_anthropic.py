"""The official openai Python package on an Anthropic model (translated to Anthropic's Messages API by the
gateway): a tool call streamed and not, its result sent back, usage; prints one JSON line for the test."""
import json
import sys

from openai import OpenAI

url, key = sys.argv[1], sys.argv[2]
client = OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0)
model = "claude-3-5-haiku-latest"
tools = [{"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
ask = [{"role": "user", "content": "Weather in Oslo? Use the tool."}]

whole = client.chat.completions.create(model=model, messages=ask, tools=tools, tool_choice="required")
call = whole.choices[0].message.tool_calls[0]

with client.chat.completions.stream(model=model, messages=ask, tools=tools, tool_choice="required",
                                     stream_options={"include_usage": True}) as stream:
    for _ in stream:
        pass
    streamed = stream.get_final_completion()
streamed_call = streamed.choices[0].message.tool_calls[0]

after = client.chat.completions.create(model=model, tools=tools, messages=ask + [
    whole.choices[0].message.model_dump(exclude_none=True),
    {"role": "tool", "tool_call_id": call.id, "content": "Sunny, 21 C"},
])

print(json.dumps({
    "finish": whole.choices[0].finish_reason,
    "name": call.function.name,
    "arguments": call.function.arguments,
    "streamed_finish": streamed.choices[0].finish_reason,
    "streamed_name": streamed_call.function.name,
    "streamed_arguments": streamed_call.function.arguments,
    "streamed_usage": streamed.usage.completion_tokens if streamed.usage else 0,
    "after_finish": after.choices[0].finish_reason,
    "after_text": after.choices[0].message.content,
}))
