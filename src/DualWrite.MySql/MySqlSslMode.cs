namespace DualWrite.MySql;

/// <summary>Whether the connection uses TLS, and how strictly the server's certificate is checked.</summary>
public enum MySqlSslMode
{
    /// <summary>Plain, unencrypted connection; TLS is never attempted.</summary>
    None,

    /// <summary>
    /// TLS when the server offers it, plain otherwise. The server certificate is not validated, so this
    /// protects against passive eavesdropping only.
    /// </summary>
    Preferred,

    /// <summary>
    /// TLS or fail: the connection is refused when the server does not offer TLS. The server certificate
    /// is not validated.
    /// </summary>
    Required,

    /// <summary>
    /// TLS with the server certificate chain validated against the CA bundle named by
    /// <see cref="MySqlConnectionStringBuilder.SslCa"/>, or the system trust store when none is given.
    /// The host name is not checked.
    /// </summary>
    VerifyCA,

    /// <summary>
    /// As <see cref="VerifyCA"/>, and the certificate must also be issued for the host name in
    /// <see cref="MySqlConnectionStringBuilder.Server"/>.
    /// </summary>
    VerifyFull,
}
