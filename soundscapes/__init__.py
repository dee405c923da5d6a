"""The bundled soundscapes: generated FLAC loops and their index, installed as voiceguide.soundscapes."""
