"""File drop: organisations exchange message files with the hub through folders on disk."""

from adapters.filedrop.drop import FileDrop, FileDropSettings
from adapters.filedrop.passreport import PassReport

__all__ = ["FileDrop", "FileDropSettings", "PassReport"]
