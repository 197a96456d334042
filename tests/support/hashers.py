"""A password hasher that counts its work, to test that two paths cost the same."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    encodings = 0

    def encode(self, password, salt):
        CountingHasher.encodings += 1
        return super().encode(password, salt)
