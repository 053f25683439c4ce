namespace DualWrite.MySql.Replication;

/// <summary>The kind of a DDL statement.</summary>
public enum SchemaChangeKind
{
    /// <summary>CREATE TABLE / CREATE INDEX / other CREATE.</summary>
    Create,
    /// <summary>ALTER TABLE.</summary>
    Alter,
    /// <summary>RENAME TABLE.</summary>
    Rename,
    /// <summary>DROP TABLE / DROP DATABASE.</summary>
    Drop,
    /// <summary>TRUNCATE TABLE.</summary>
    Truncate,
    /// <summary>Any other statement logged as a query in row format.</summary>
    Other,
}
