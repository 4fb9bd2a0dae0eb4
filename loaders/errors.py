"""Errors a user can act on: each names the file and, where there is one, the place."""


class BriefError(ValueError):
    """Base for input the loaders refuse. str() is a message for the user."""

    def __init__(self, message: str, *, source: str | None = None):
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class BriefReadError(BriefError):
    """The file cannot be read as a brief: wrong type, broken, undecodable, empty."""


class BriefStructureError(BriefError):
    """The text is readable but has no recognisable issue header or articles."""
