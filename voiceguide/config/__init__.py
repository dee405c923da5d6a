"""The settings file: the options a person would give every night, remembered."""

from voiceguide.config.file import (
    DIR_VARIABLE,
    Entry,
    config_dir,
    language_table,
    read_entries,
    set_value,
    settings_path,
    unset_value,
)

__all__ = [
    "DIR_VARIABLE", "Entry", "config_dir", "language_table", "read_entries", "set_value",
    "settings_path", "unset_value",
]  # fmt: skip
