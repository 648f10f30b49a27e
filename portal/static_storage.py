"""Static files in production: whitenoise's compressed files under hashed names, each
name's URL worked out once per process.

Every page asks for the same few (the stylesheets, the scripts, the icon): the storage
read its manifest once, when the process started, so a name's URL never changes while it
runs, yet Django works it out again at every `{% static %}` (about a sixth of the base
template's rendering)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str, force: bool = False) -> str:
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found
