"""The LLM side: an OpenAI-compatible backend with cache, budget and fallbacks
(``backend``), prompts with untrusted paper text fenced as data (``prompts``), and the
screening of instruction-like text on the way in and out (``screen``)."""
