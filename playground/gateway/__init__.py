"""The OpenAI-compatible gateway: OpenAI Images and chat-completions requests served by Gemini
image models on AI Studio or Vertex AI, without losing the facts Banana Split measures.

models.py (which name goes where), params.py (OpenAI parameters → an ImageRequest), routing.py
(`auto`: the platform chosen from the team's benchmark runs), limits.py (gateway keys, rate and
budget), service.py (the calls: generate, store, count), answers.py / chat.py (OpenAI shapes),
edits.py (multipart input images), imagen.py (Imagen `:predict` payloads), links.py (expiring
URLs), app.py (Starlette routes), server.py (uvicorn, as the emulator serves).

May import domain, config, clients, history, generation, bench and review; it never imports the
emulator (demo mode comes through generation/demo.py) or a front end.
"""
