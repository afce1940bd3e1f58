using System.Text.Json;
using System.Text.Json.Serialization;

namespace Actors.News;

/// <summary>A <see cref="VoterSet"/> in JSON: an array of voter ids, as an <c>ImmutableHashSet&lt;long&gt;</c> was.</summary>
public sealed class VoterSetJsonConverter : JsonConverter<VoterSet>
{
    public override VoterSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        VoterSet.Create(JsonSerializer.Deserialize<long[]>(ref reader, options) ?? []);

    public override void Write(Utf8JsonWriter writer, VoterSet value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var voter in value)
        {
            writer.WriteNumberValue(voter);
        }

        writer.WriteEndArray();
    }
}
