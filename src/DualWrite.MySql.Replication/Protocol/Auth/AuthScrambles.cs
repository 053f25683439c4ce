using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Protocol.Auth;

/// <summary>
/// The password transformations of the authentication plugins the client speaks. Every method
/// returns a fresh array that the caller owns; intermediate password-derived buffers are zeroed
/// before returning so they do not linger in memory.
/// </summary>
internal static class AuthScrambles
{
    /// <summary>Length of the server's nonce (auth-plugin-data) that the scrambles use.</summary>
    public const int NonceLength = 20;

    // Passwords up to this many UTF-8 bytes are hashed from the stack to avoid a heap copy of the secret.
    private const int StackPasswordLimit = 256;

    /// <summary>mysql_native_password: SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password))).</summary>
    /// <remarks>Returns an empty array for an empty password, which the server reads as "no password".</remarks>
    public static byte[] NativePassword(string password, ReadOnlySpan<byte> nonce) =>
        // https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods_native_password_authentication.html
        DoubleHashScramble(password, nonce, HashAlgorithmName.SHA1, nonceFirst: true);

    /// <summary>
    /// caching_sha2_password fast authentication: XOR(SHA256(password), SHA256(SHA256(SHA256(password)) + nonce)).
    /// </summary>
    /// <remarks>Returns an empty array for an empty password.</remarks>
    public static byte[] CachingSha2(string password, ReadOnlySpan<byte> nonce) =>
        // https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html
        DoubleHashScramble(password, nonce, HashAlgorithmName.SHA256, nonceFirst: false);

    /// <summary>
    /// The scramble both plugins share: H(password) XOR H(nonce + H(H(password))) — the nonce before the double hash
    /// for native passwords, after it for caching_sha2 — with every password-derived buffer zeroed afterwards.
    /// </summary>
    private static byte[] DoubleHashScramble(string password, ReadOnlySpan<byte> nonce, HashAlgorithmName algorithm, bool nonceFirst)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length == 0)
            return [];
        var salt = RequireNonce(nonce);

        var hashSize = algorithm == HashAlgorithmName.SHA1 ? SHA1.HashSizeInBytes : SHA256.HashSizeInBytes;
        int byteCount = Encoding.UTF8.GetByteCount(password);
        Span<byte> passwordBytes = byteCount <= StackPasswordLimit ? stackalloc byte[StackPasswordLimit] : new byte[byteCount];
        passwordBytes = passwordBytes[..byteCount];
        Span<byte> hash1 = stackalloc byte[hashSize];
        Span<byte> salted = stackalloc byte[hashSize + NonceLength];
        Span<byte> hash3 = stackalloc byte[hashSize];
        try
        {
            Encoding.UTF8.GetBytes(password, passwordBytes);
            Hash(algorithm, passwordBytes, hash1);
            var (nonceAt, hashAt) = nonceFirst ? (0, NonceLength) : (hashSize, 0);
            Hash(algorithm, hash1, salted.Slice(hashAt, hashSize));
            salt.CopyTo(salted.Slice(nonceAt, NonceLength));
            Hash(algorithm, salted, hash3);
            return Xor(hash1, hash3);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
            CryptographicOperations.ZeroMemory(hash1);
            CryptographicOperations.ZeroMemory(salted);
            CryptographicOperations.ZeroMemory(hash3);
        }
    }

    private static void Hash(HashAlgorithmName algorithm, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (algorithm == HashAlgorithmName.SHA1)
        {
            SHA1.HashData(source, destination);
        }
        else
        {
            SHA256.HashData(source, destination);
        }
    }

    /// <summary>mysql_clear_password: the UTF-8 password followed by a NUL terminator.</summary>
    /// <remarks>Sends the password as is; the caller must only use it over TLS.</remarks>
    public static byte[] ClearPassword(string password)
    {
        // https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods_clear_text_password.html
        ArgumentNullException.ThrowIfNull(password);
        var result = new byte[Encoding.UTF8.GetByteCount(password) + 1];
        Encoding.UTF8.GetBytes(password, result);
        return result;
    }

    /// <summary>
    /// The RSA-encrypted password of caching_sha2_password full authentication and of sha256_password
    /// without TLS: (UTF-8 password + NUL) XOR the repeated 20-byte nonce, encrypted with RSA-OAEP (SHA-1).
    /// </summary>
    /// <param name="password">The password; never included in any error message.</param>
    /// <param name="nonce">The server's nonce; only the first 20 bytes are used.</param>
    /// <param name="publicKeyPem">The server's key as a "PUBLIC KEY" (SPKI) or "RSA PUBLIC KEY" (PKCS#1) PEM.</param>
    /// <exception cref="BinlogException">The key cannot be read or the password is too long for it.</exception>
    public static byte[] RsaEncryptPassword(string password, ReadOnlySpan<byte> nonce, string publicKeyPem)
    {
        // https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html
        // https://mariadb.com/kb/en/sha256_password-plugin/
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(publicKeyPem);
        var salt = RequireNonce(nonce);

        using var rsa = ImportPublicKey(publicKeyPem);

        int byteCount = Encoding.UTF8.GetByteCount(password) + 1;
        Span<byte> plain = byteCount <= StackPasswordLimit ? stackalloc byte[StackPasswordLimit] : new byte[byteCount];
        plain = plain[..byteCount];
        try
        {
            Encoding.UTF8.GetBytes(password, plain);
            plain[^1] = 0;
            for (int i = 0; i < plain.Length; i++)
                plain[i] ^= salt[i % NonceLength];

            // RSA-OAEP with SHA-1 carries at most (key bytes - 2 * 20 - 2) bytes of plaintext.
            int maxPlain = (rsa.KeySize / 8) - (2 * SHA1.HashSizeInBytes) - 2;
            if (plain.Length > maxPlain)
            {
                throw new BinlogException(BinlogErrorKind.Authentication, ClientErrors.AuthPluginError, null, string.Format(
                    CultureInfo.InvariantCulture,
                    "The password is too long to encrypt with the server's {0}-bit RSA public key ({1} bytes at most with the terminator, {2} given).",
                    rsa.KeySize, maxPlain, plain.Length));
            }

            try
            {
                return rsa.Encrypt(plain, RSAEncryptionPadding.OaepSHA1);
            }
            catch (CryptographicException ex)
            {
                // The inner exception describes the key, not the password; no plaintext reaches it.
                throw new BinlogException(BinlogErrorKind.Authentication, ClientErrors.AuthPluginError, null,
                    "Encrypting the password with the server's RSA public key failed.", ex);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static RSA ImportPublicKey(string publicKeyPem)
    {
        // The server sends the key NUL-terminated in some versions; the PEM reader ignores whitespace but not NULs.
        var pem = publicKeyPem.AsSpan().Trim('\0');
        PemFields fields;
        if (!PemEncoding.TryFind(pem, out fields))
            throw BadKey("The server's RSA public key is not PEM text (no BEGIN/END block found).", null);

        var label = pem[fields.Label];
        if (!label.SequenceEqual("PUBLIC KEY") && !label.SequenceEqual("RSA PUBLIC KEY"))
        {
            throw BadKey(string.Format(CultureInfo.InvariantCulture,
                "The server's RSA public key PEM has label '{0}'; expected 'PUBLIC KEY' or 'RSA PUBLIC KEY'.",
                label.Length <= 40 ? label.ToString() : "(too long)"), null);
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem[fields.Location]);
            return rsa;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            throw BadKey("The server's RSA public key PEM could not be decoded as an RSA public key.", ex);
        }
    }

    private static BinlogException BadKey(string message, Exception? inner) =>
        new(BinlogErrorKind.Authentication, ClientErrors.AuthPluginError, null, message, inner);

    private static ReadOnlySpan<byte> RequireNonce(ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length < NonceLength)
        {
            throw BinlogException.Protocol(string.Format(CultureInfo.InvariantCulture,
                "The server's authentication nonce is {0} bytes long; at least {1} are required.", nonce.Length, NonceLength));
        }

        // A trailing NUL (or anything past 20 bytes) is framing, not part of the nonce.
        return nonce[..NonceLength];
    }

    private static byte[] Xor(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var result = new byte[left.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = (byte)(left[i] ^ right[i]);
        return result;
    }
}
