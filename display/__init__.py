"""The hall screen page, voice announcements and the LED agent."""
