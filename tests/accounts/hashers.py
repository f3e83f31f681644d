from django.contrib.auth.hashers import BCryptSHA256PasswordHasher


class CountingBCryptHasher(BCryptSHA256PasswordHasher):
    """The real bcrypt hasher, counting how many hashes it computes."""

    algorithm = "bcrypt_sha256"
    rounds = 4  # still bcrypt, just quick enough for a test
    hashes_computed = 0

    def encode(self, password, salt):
        type(self).hashes_computed += 1
        return super().encode(password, salt)
