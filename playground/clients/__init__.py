"""One Platform object per Google API (aistudio, vertex): request building, response parsing,
auth as httpx.Auth, and the timed HTTP exchange. Speaks camelCase wire JSON; stores nothing.

May import domain/ and config; never the emulator, history or the app.
"""
