"""Tests of vsl_assets.transcription: writers, the local engine and the OpenAI engine."""
