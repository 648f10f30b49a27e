"""The portal's date and time formats, one per purpose, where Django's own for a language
do not read naturally (FORMAT_MODULE_PATH)."""
