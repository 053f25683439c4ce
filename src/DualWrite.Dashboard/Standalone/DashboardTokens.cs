using System.Security.Cryptography;
using System.Text;

namespace DualWrite.Dashboard.Standalone;

/// <summary>The standalone dashboard's tokens: the operator's and (optionally) the viewer's, compared in constant time.</summary>
public sealed class DashboardTokens
{
    /// <summary>The variable holding the operator's token.</summary>
    public const string OperatorVariable = "DUALWRITE_DASHBOARD_TOKEN";

    /// <summary>The variable holding the viewer's token (optional).</summary>
    public const string ViewerVariable = "DUALWRITE_DASHBOARD_VIEWER_TOKEN";

    /// <summary>The shortest token accepted: a token is the only thing between the network and the phase table.</summary>
    public const int MinimumLength = 16;

    private readonly byte[] _operator;
    private readonly byte[]? _viewer;

    /// <summary>Creates the token set.</summary>
    /// <exception cref="ArgumentException">A token is shorter than <see cref="MinimumLength"/>, or both are the same.</exception>
    public DashboardTokens(string operatorToken, string? viewerToken)
    {
        ArgumentNullException.ThrowIfNull(operatorToken);
        if (operatorToken.Length < MinimumLength)
        {
            throw new ArgumentException($"{OperatorVariable} must hold at least {MinimumLength} characters.", nameof(operatorToken));
        }

        if (viewerToken is not null && (viewerToken.Length < MinimumLength || viewerToken == operatorToken))
        {
            throw new ArgumentException($"{ViewerVariable} must hold at least {MinimumLength} characters and differ from {OperatorVariable}.", nameof(viewerToken));
        }

        _operator = Hash(operatorToken);
        _viewer = viewerToken is null ? null : Hash(viewerToken);
    }

    /// <summary>The role <paramref name="token"/> grants, or null when it is neither token.</summary>
    public string? RoleOf(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        // Hashing first gives equal lengths, so the comparison's time says nothing about the token.
        var hash = Hash(token);
        var isOperator = CryptographicOperations.FixedTimeEquals(hash, _operator);
        var isViewer = _viewer is not null && CryptographicOperations.FixedTimeEquals(hash, _viewer);
        return isOperator ? DashboardRoles.Operator : isViewer ? DashboardRoles.Viewer : null;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
