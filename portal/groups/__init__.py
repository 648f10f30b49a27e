"""Study groups: creating them, joining and leaving, their pace, and who may see what."""
