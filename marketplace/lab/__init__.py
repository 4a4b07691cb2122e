"""The lab: switch stages, read each lesson with its sources, and run its exploits."""
