"""Users (email login, student or lab staff) and their profiles."""
