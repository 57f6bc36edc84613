"""The one error an experiment file can earn: which key, and what is wrong with it."""


class SpecError(ValueError):
    """An invalid experiment file. key is a path like "system.sandboxes[1].memory"."""

    def __init__(self, key, problem, file=None):
        super().__init__(key, problem, file)
        self.key, self.problem, self.file = key, problem, file

    def __str__(self):
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.key}: {self.problem}"
