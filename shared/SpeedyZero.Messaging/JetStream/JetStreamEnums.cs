using System.Text.Json.Serialization;

namespace SpeedyZero.Messaging.JetStream;

/// <summary>When a stream removes messages.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RetentionPolicy>))]
public enum RetentionPolicy
{
    /// <summary>Kept until a limit (count, bytes, age, per subject) pushes them out.</summary>
    [JsonStringEnumMemberName("limits")] Limits,

    /// <summary>Kept while some consumer has not acknowledged them.</summary>
    [JsonStringEnumMemberName("interest")] Interest,

    /// <summary>Removed once acknowledged by the (single) consumer: a work queue.</summary>
    [JsonStringEnumMemberName("workqueue")] WorkQueue,
}

/// <summary>Where a stream keeps its messages.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StorageType>))]
public enum StorageType
{
    [JsonStringEnumMemberName("file")] File,
    [JsonStringEnumMemberName("memory")] Memory,
}

/// <summary>What a full stream does with a new message.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DiscardPolicy>))]
public enum DiscardPolicy
{
    /// <summary>Remove the oldest messages to make room.</summary>
    [JsonStringEnumMemberName("old")] Old,

    /// <summary>Refuse the new message (bounded backlog with back-pressure on publishers).</summary>
    [JsonStringEnumMemberName("new")] New,
}

/// <summary>How a consumer expects acknowledgements.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AckPolicy>))]
public enum AckPolicy
{
    [JsonStringEnumMemberName("explicit")] Explicit,
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("all")] All,
}

/// <summary>Where a new consumer starts in the stream.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeliverPolicy>))]
public enum DeliverPolicy
{
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("last")] Last,
    [JsonStringEnumMemberName("new")] New,
}
