namespace DualWrite.Dashboard;

/// <summary>The dashboard's two roles: viewers see everything, only operators change phases or start reconciliations.</summary>
public static class DashboardRoles
{
    /// <summary>The role claim value of an operator (standalone: the holder of DUALWRITE_DASHBOARD_TOKEN).</summary>
    public const string Operator = "dualwrite-operator";

    /// <summary>The role claim value of a viewer (standalone: the holder of DUALWRITE_DASHBOARD_VIEWER_TOKEN).</summary>
    public const string Viewer = "dualwrite-viewer";
}
