using System.Security.Cryptography;
using System.Text;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication.Protocol.Auth;

namespace DualWrite.MySql.Replication.Tests.Protocol.Auth;

public sealed class AuthScramblesTests
{
    // The nonce 0x01..0x14 used by the fixed vectors below.
    private static readonly byte[] FixedNonce = Enumerable.Range(1, 20).Select(i => (byte)i).ToArray();

    [Fact]
    public void NativePassword_matches_fixed_vector()
    {
        // python3 -c "import hashlib;p=b'secret';n=bytes(range(1,21));h1=hashlib.sha1(p).digest();print(bytes(a^b for a,b in zip(h1,hashlib.sha1(n+hashlib.sha1(h1).digest()).digest())).hex())"
        AuthScrambles.NativePassword("secret", FixedNonce)
            .Should().Equal(Convert.FromHexString("b32bb3a583e1340c0a1108d58b1be49781ad8c2f"));
    }

    [Fact]
    public void NativePassword_hashes_non_ascii_password_as_utf8()
    {
        // python3 -c "import hashlib;p='pässwörd-✓'.encode();n=bytes(range(1,21));h1=hashlib.sha1(p).digest();print(bytes(a^b for a,b in zip(h1,hashlib.sha1(n+hashlib.sha1(h1).digest()).digest())).hex())"
        AuthScrambles.NativePassword("pässwörd-✓", FixedNonce)
            .Should().Equal(Convert.FromHexString("1fe4bcc5d265ee3489181d9ca0b3832200053722"));
    }

    [Fact]
    public void CachingSha2_matches_fixed_vector()
    {
        // python3 -c "import hashlib;p=b'secret';n=bytes(range(1,21));d1=hashlib.sha256(p).digest();print(bytes(a^b for a,b in zip(d1,hashlib.sha256(hashlib.sha256(d1).digest()+n).digest())).hex())"
        AuthScrambles.CachingSha2("secret", FixedNonce)
            .Should().Equal(Convert.FromHexString("746ebe205d56a0707acb3e796e834e0dd7b1d61743b26bd5202c7a623230c7c9"));
    }

    [Fact]
    public void CachingSha2_hashes_non_ascii_password_as_utf8()
    {
        // python3 -c "import hashlib;p='pässwörd-✓'.encode();n=bytes(range(1,21));d1=hashlib.sha256(p).digest();print(bytes(a^b for a,b in zip(d1,hashlib.sha256(hashlib.sha256(d1).digest()+n).digest())).hex())"
        AuthScrambles.CachingSha2("pässwörd-✓", FixedNonce)
            .Should().Equal(Convert.FromHexString("e41fa511578c8737ab9955fd81b3e6a2794496c9396d5796fd1e0f88621929b1"));
    }

    [Fact]
    public void Scrambles_use_only_the_first_20_nonce_bytes()
    {
        // Servers send the nonce with a trailing NUL; anything past 20 bytes must not change the result.
        var withNul = FixedNonce.Append((byte)0).ToArray();
        var withJunk = FixedNonce.Concat(new byte[] { 0xAA, 0xBB, 0xCC }).ToArray();

        AuthScrambles.NativePassword("secret", withNul).Should().Equal(AuthScrambles.NativePassword("secret", FixedNonce));
        AuthScrambles.NativePassword("secret", withJunk).Should().Equal(AuthScrambles.NativePassword("secret", FixedNonce));
        AuthScrambles.CachingSha2("secret", withNul).Should().Equal(AuthScrambles.CachingSha2("secret", FixedNonce));
        AuthScrambles.CachingSha2("secret", withJunk).Should().Equal(AuthScrambles.CachingSha2("secret", FixedNonce));
    }

    [Fact]
    public void Empty_password_gives_empty_scramble()
    {
        AuthScrambles.NativePassword("", FixedNonce).Should().BeEmpty();
        AuthScrambles.CachingSha2("", FixedNonce).Should().BeEmpty();
    }

    [Fact]
    public void Short_nonce_is_a_protocol_error()
    {
        var act = () => AuthScrambles.NativePassword("secret", new byte[19]);
        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.Protocol);
        var act2 = () => AuthScrambles.CachingSha2("secret", new byte[8]);
        act2.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.Protocol);
    }

    [Fact]
    public void Native_stored_hash_matches_MariaDB_PASSWORD_function()
    {
        // mariadb ... -N -e "SELECT PASSWORD('s3cret-é')"  ->  *D108F1C1CE926FFB88B4AFECDED2A4240A326726
        const string MariaDbPassword = "*D108F1C1CE926FFB88B4AFECDED2A4240A326726";
        var stored = Convert.FromHexString(MariaDbPassword[1..]);

        SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes("s3cret-é"))).Should().Equal(stored);

        // And the server's check accepts our scramble against that stored value.
        var nonce = RandomNumberGenerator.GetBytes(20);
        var scramble = AuthScrambles.NativePassword("s3cret-é", nonce);
        ServerAcceptsNative(scramble, nonce, stored).Should().BeTrue();
    }

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6, 7, 8 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Native_scramble_passes_server_verification_for_random_passwords(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 50; i++)
        {
            var password = RandomPassword(random);
            var nonce = RandomNonce(random);
            var stored = SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes(password)));

            var scramble = AuthScrambles.NativePassword(password, nonce);

            scramble.Should().HaveCount(20);
            ServerAcceptsNative(scramble, nonce, stored).Should().BeTrue("password #{0} of seed {1}", i, seed);
            ServerAcceptsNative(scramble, nonce, SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes(password + "x"))))
                .Should().BeFalse();
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void CachingSha2_scramble_passes_server_verification_for_random_passwords(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 50; i++)
        {
            var password = RandomPassword(random);
            var nonce = RandomNonce(random);
            var stored = SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

            var scramble = AuthScrambles.CachingSha2(password, nonce);

            scramble.Should().HaveCount(32);
            ServerAcceptsCachingSha2(scramble, nonce, stored).Should().BeTrue("password #{0} of seed {1}", i, seed);
            ServerAcceptsCachingSha2(scramble, nonce, SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(password + "x"))))
                .Should().BeFalse();
        }
    }

    [Fact]
    public void ClearPassword_is_utf8_with_nul_terminator()
    {
        AuthScrambles.ClearPassword("pé").Should().Equal(0x70, 0xC3, 0xA9, 0x00);
        AuthScrambles.ClearPassword("").Should().Equal(0x00);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RsaEncryptPassword_decrypts_to_password_xor_nonce(bool pkcs1)
    {
        using var rsa = RSA.Create(2048);
        var pem = pkcs1 ? rsa.ExportRSAPublicKeyPem() : rsa.ExportSubjectPublicKeyInfoPem();
        pem.Should().Contain(pkcs1 ? "BEGIN RSA PUBLIC KEY" : "BEGIN PUBLIC KEY");
        var nonce = RandomNumberGenerator.GetBytes(21);
        nonce[20] = 0;

        // Longer than the nonce so the nonce has to repeat.
        const string Password = "a rather long pässwörd, longer than twenty bytes";
        var encrypted = AuthScrambles.RsaEncryptPassword(Password, nonce, pem);

        encrypted.Should().HaveCount(256);
        var decrypted = rsa.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA1);
        for (int i = 0; i < decrypted.Length; i++)
            decrypted[i] ^= nonce[i % 20];
        decrypted.Should().Equal(Encoding.UTF8.GetBytes(Password).Append((byte)0));
    }

    [Fact]
    public void RsaEncryptPassword_accepts_key_with_trailing_nul_and_empty_password()
    {
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportSubjectPublicKeyInfoPem() + "\n\0";
        var nonce = RandomNumberGenerator.GetBytes(20);

        var decrypted = rsa.Decrypt(AuthScrambles.RsaEncryptPassword("", nonce, pem), RSAEncryptionPadding.OaepSHA1);

        decrypted.Should().Equal((byte)(0 ^ nonce[0]));
    }

    [Theory]
    [InlineData("not a key at all")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")]
    [InlineData("-----BEGIN RSA PUBLIC KEY-----\nbm90IGEga2V5\n-----END RSA PUBLIC KEY-----")]
    [InlineData("-----BEGIN CERTIFICATE-----\nbm90IGEga2V5\n-----END CERTIFICATE-----")]
    [InlineData("")]
    public void RsaEncryptPassword_with_bad_key_throws_typed_error_without_password(string pem)
    {
        const string Password = "Sup3r-Secret-Pw";
        var act = () => AuthScrambles.RsaEncryptPassword(Password, FixedNonce, pem);

        var ex = act.Should().Throw<BinlogException>().Which;
        ex.Kind.Should().Be(BinlogErrorKind.Authentication);
        ex.Number.Should().Be(ClientErrors.AuthPluginError);
        ex.SqlState.Should().BeNull();
        ex.ToString().Should().NotContain(Password);
    }

    [Fact]
    public void RsaEncryptPassword_with_password_too_long_for_key_throws_typed_error_without_password()
    {
        using var rsa = RSA.Create(1024);
        var password = new string('k', 100);
        var act = () => AuthScrambles.RsaEncryptPassword(password, FixedNonce, rsa.ExportSubjectPublicKeyInfoPem());

        var ex = act.Should().Throw<BinlogException>().Which;
        ex.Kind.Should().Be(BinlogErrorKind.Authentication);
        ex.Number.Should().Be(ClientErrors.AuthPluginError);
        ex.ToString().Should().NotContain(password);
    }

    // The server's mysql_native_password check: SHA1(scramble XOR SHA1(nonce + stored)) == stored.
    private static bool ServerAcceptsNative(byte[] scramble, byte[] nonce, byte[] stored)
    {
        var mask = SHA1.HashData(nonce.AsSpan(0, 20).ToArray().Concat(stored).ToArray());
        var candidate = scramble.Zip(mask, (a, b) => (byte)(a ^ b)).ToArray();
        return SHA1.HashData(candidate).AsSpan().SequenceEqual(stored);
    }

    // The server's caching_sha2_password fast check: SHA256(scramble XOR SHA256(stored + nonce)) == stored.
    private static bool ServerAcceptsCachingSha2(byte[] scramble, byte[] nonce, byte[] stored)
    {
        var mask = SHA256.HashData(stored.Concat(nonce.AsSpan(0, 20).ToArray()).ToArray());
        var candidate = scramble.Zip(mask, (a, b) => (byte)(a ^ b)).ToArray();
        return SHA256.HashData(candidate).AsSpan().SequenceEqual(stored);
    }

    private static byte[] RandomNonce(Random random)
    {
        // Real nonces are 20 bytes, sometimes followed by a NUL.
        var nonce = new byte[random.Next(2) == 0 ? 20 : 21];
        random.NextBytes(nonce.AsSpan(0, 20));
        return nonce;
    }

    private static string RandomPassword(Random random)
    {
        // Mixes ASCII, Latin-1, CJK and astral-plane (surrogate pair) characters; long ones exceed the stack buffer.
        string[] alphabet = ["a", "Z", "0", " ", ";", "'", "é", "ß", "Ж", "中", "✓", "😀"];
        int length = random.Next(8) == 0 ? random.Next(100, 200) : random.Next(1, 40);
        var sb = new StringBuilder();
        for (int i = 0; i < length; i++)
            sb.Append(alphabet[random.Next(alphabet.Length)]);
        return sb.ToString();
    }
}
