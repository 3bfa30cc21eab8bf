"""Running generations: generate / fan-out with retries (returns results, stores nothing),
the background job that saves them, and the demo runner (the one bridge to the emulator).

May import domain/, config, clients/ and history/ (the job saves what it ran).
"""
