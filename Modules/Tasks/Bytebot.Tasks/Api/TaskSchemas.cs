namespace Bytebot.Tasks.Api;

/// <summary>
/// The request bodies of the tasks API as JSON Schema, for the OpenAPI document: the handlers read loosely typed fields
/// so every bad one gets its own message, and these say what they accept.
/// </summary>
internal static class TaskSchemas
{
    private const string Fields = """
        "description":{"type":"string","minLength":1,"maxLength":100000,"description":"What the agent should do."},
        "type":{"type":"string","enum":["IMMEDIATE","SCHEDULED"],"description":"SCHEDULED needs scheduledFor."},
        "scheduledFor":{"type":"string","format":"date-time","description":"When a SCHEDULED task becomes due."},
        "priority":{"type":"string","enum":["LOW","MEDIUM","HIGH","URGENT"],"default":"MEDIUM"},
        "createdBy":{"type":"string","enum":["USER","ASSISTANT"],"default":"USER"},
        "node":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$","description":"The node that must run it."},
        "dueAt":{"type":"string","format":"date-time","description":"Past it, an unfinished task is overdue."}
        """;

    private const string RoutingLists = """
        "capabilities":{"type":"array","maxItems":32,"items":{"type":"string"},
          "description":"Capabilities the running node must all have."},
        "fallbackNodes":{"type":"array","maxItems":32,"items":{"type":"string"},
          "description":"Nodes that may run it, not yet started, while node is offline."},
        "tags":{"type":"array","maxItems":32,"items":{"type":"string","maxLength":64},
          "description":"Labels (trimmed, lower-cased) to filter by with GET /api/tasks?tag="},
        "dependsOn":{"type":"array","maxItems":32,"items":{"type":"string","format":"uuid"},
          "description":"Existing tasks that must all be COMPLETED before this one runs."}
        """;

    private const string RoutingFields = """
        "capabilities":{"type":"string","description":"Comma-separated capabilities the running node must all have."},
        "fallbackNodes":{"type":"string","description":"Comma-separated nodes standing in while node is offline."},
        "tags":{"type":"string","description":"Comma-separated labels."},
        "dependsOn":{"type":"string","description":"Comma-separated ids of tasks that must all be COMPLETED first."}
        """;

    public const string CreateJson = """
        {"type":"object","required":["description"],"properties":{
        """ + Fields + "," + RoutingLists + """
        ,"model":{"$ref":"#/components/schemas/TaskModel"},
        "files":{"type":"array","maxItems":5,"description":"Written to the desktop's Desktop folder when the task first runs.",
          "items":{"type":"object","required":["name","base64"],"properties":{
            "name":{"type":"string","description":"A plain file name (no path)."},
            "base64":{"type":"string","contentEncoding":"base64","description":"The content, or a data: URL."},
            "type":{"type":"string","description":"The media type."},
            "size":{"type":"integer","format":"int64"}}}}}}
        """;

    public const string CreateForm = """
        {"type":"object","required":["description"],"properties":{
        """ + Fields + "," + RoutingFields + """
        ,"model":{"type":"string","description":"A JSON object {provider, name, title}."},
        "files":{"type":"array","maxItems":5,"items":{"type":"string","format":"binary"},
          "description":"One part per file, streamed into storage; its file name is kept."}}}
        """;

    public const string AddMessage = """
        {"type":"object","required":["message"],"properties":{"message":{"type":"string","minLength":1}}}
        """;
}
