// What a person watches for one topic: Application Insights on a Log Analytics workspace, alerts
// and a workbook built on the one JSON line every invocation logs (functions/azure/invocationLog.ts):
// `{"event":"capture.invocation","topic":…,"records":…,"lagMs":…,"byPartition":[{"partition":…},…]}`
// as a trace, and `{"event":"capture.failure",…}` as an error trace. host.json keeps traces out of
// sampling, so the sums below are exact.

@description('Azure region of the workspace, Application Insights, alert rules and workbook.')
param location string

@description('The topic\'s name in capture.config.yaml; the queries select its log lines.')
param topicName string

@description('Prefix of the alert rule names (the Function App\'s name).')
param namePrefix string

@description('Log Analytics workspace behind Application Insights.')
param workspaceName string

@description('Application Insights component the Function App reports to.')
param appInsightsName string

@description('Action group the alerts notify.')
param actionGroupName string

@description('Where alerts are e-mailed; empty: alerts show in the portal only.')
param alertEmail string

@description('Minutes without a sealed object before the alert fires.')
param noSealedObjectMinutes int

@description('Minutes the topic must stay that far behind, and still falling behind, before the alert fires.')
param lagAlertMinutes int

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: workspaceName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
    features: {
      disableLocalAuth: true
    }
  }
}

// Local (instrumentation key) ingestion is off: the app sends telemetry with its identity, through
// APPLICATIONINSIGHTS_AUTHENTICATION_STRING and the Monitoring Metrics Publisher role.
resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  properties: {
    groupShortName: 'capture'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      {
        name: 'capture-owner'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// The per-invocation lines of this topic, with the parsed JSON in `r`.
var invocations = 'traces\n| where message contains "capture.invocation"\n| extend r = parse_json(message)\n| where tostring(r.event) == "capture.invocation" and tostring(r.topic) == "${topicName}"'

// The lines a partition that needs an operator logs (a hold, a restart, a lost ledger), parsed in `r`.
var operatorEvents = 'traces\n| where message contains "capture."\n| extend r = parse_json(message)\n| where tostring(r.topic) == "${topicName}"'
// The compaction workers' lines of this topic, with the parsed JSON in `r`.
var compactions = 'traces\n| where message contains "capture.compaction"\n| extend r = parse_json(message)\n| where tostring(r.event) == "capture.compaction" and tostring(r.topic) == "${topicName}"'

// At minute 10 a group has normally committed the hour before (0 behind) or waits for a late seal (1).
var compactionBacklogAlertHours = 3

// One row per partition an invocation touched, with that partition's figures in `p` (the line's
// `byPartition` array; partitions that did nothing are not in it).
var partitionRows = '${invocations}\n| mv-expand p = r.byPartition\n| extend partition = tostring(p.partition)'

func isoDuration(minutes int) string => minutes < 60 ? 'PT${minutes}M' : (minutes < 1440 ? 'PT${minutes / 60}H' : 'P${minutes / 1440}D')

// Each rule fires when its query returns a row. The query window is the rule's window.
var alertRules = [
  {
    name: 'failures'
    displayName: 'Capture ${topicName}: failed invocations'
    description: 'An invocation failed; its batch is retried and its partition waits. The capture.failure trace says whether a retry can fix it.'
    severity: 1
    windowMinutes: 5
    query: 'requests\n| where success == false\n| summarize failures = count() by operation_Name'
  }
  {
    name: 'no-sealed-object'
    displayName: 'Capture ${topicName}: no object sealed for ${noSealedObjectMinutes} minutes'
    description: 'Nothing landed in the lake: the source is idle, the app is stopped, or every invocation fails.'
    severity: 2
    windowMinutes: noSealedObjectMinutes
    query: '${invocations}\n| summarize sealing = countif(toint(r.objectsSealed) + toint(r.lateObjectsSealed) > 0)\n| where sealing == 0'
  }
  {
    name: 'positions-restarted'
    displayName: 'Capture ${topicName}: a partition\'s positions started over'
    description: 'A topic or event hub was recreated, a log truncated, or a group reset below where the capture began: the new records go to objects named with a generation (g1, g2, ...). See the capture.positions-restarted trace; nothing to do unless it was unexpected.'
    severity: 2
    windowMinutes: 5
    query: '${operatorEvents}\n| where tostring(r.event) == "capture.positions-restarted"\n| project timestamp, partition = tostring(r.partition), generation = toint(r.generation), evidence = tostring(r.evidence)'
  }
  {
    name: 'operator-hold'
    displayName: 'Capture ${topicName}: a partition holds until an operator acts'
    description: 'A lost ledger, positions that went back without proof, or records of another topic: the partition waits and nothing is lost. The trace names the command that resolves it (npm run invoke -- repair-ledger or resolve-positions), or the trigger setting to fix.'
    severity: 1
    windowMinutes: 5
    query: '${operatorEvents}\n| where tostring(r.event) in ("capture.ledger-missing", "capture.ledger-unreadable", "capture.positions-ambiguous", "capture.topic-mismatch")\n| summarize holds = count() by event = tostring(r.event)'
  }
  {
    name: 'growing-lag'
    displayName: 'Capture ${topicName}: more than ${lagAlertMinutes} minutes behind and falling further'
    description: 'In at least one partition, the oldest record of every batch stayed older than the threshold and the lag kept growing: the app does not keep up (raise maximumInstanceCount or instanceMemoryMB).'
    severity: 2
    windowMinutes: lagAlertMinutes
    // One series per partition: a stuck partition is not hidden by the minutes in which only the
    // partitions that keep up had an invocation, as it would be in the topic's series.
    query: '${partitionRows}\n| where isnotnull(p.lagMs)\n| make-series lagMs = max(todouble(p.lagMs)) default = real(null) on timestamp step 1m by partition\n| extend lagMs = series_fill_linear(lagMs)\n| extend fit = series_fit_line_dynamic(lagMs), stats = series_stats_dynamic(lagMs)\n| where todouble(stats.min) > ${lagAlertMinutes * 60000} and todouble(fit.slope) > 0\n| project partition, minLagMs = todouble(stats.min), slope = todouble(fit.slope)'
  }
  {
    name: 'compaction-backlog'
    displayName: 'Capture ${topicName}: compaction ${compactionBacklogAlertHours} or more hours behind'
    description: 'A partition group has hours whose raw objects are not in the Delta table: compact-group runs fail or cannot keep up. Its capture.compaction lines give hoursBehind, rawObjectsPending and hoursWaiting; catching up goes oldest first, at most a day of hours a run.'
    severity: 2
    windowMinutes: 120
    query: '${compactions}\n| where toint(r.hoursBehind) >= ${compactionBacklogAlertHours}\n| summarize hoursBehind = max(toint(r.hoursBehind)), rawObjectsPending = max(toint(r.rawObjectsPending)) by partitions = tostring(r.partitions)'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for rule in alertRules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        appInsights.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: isoDuration(rule.windowMinutes)
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

func chartItem(chart object) object => {
  type: 3
  name: chart.name
  content: {
    version: 'KqlItem/1.0'
    title: chart.title
    query: chart.query
    queryType: 0
    resourceType: 'microsoft.insights/components'
    visualization: chart.visualization
    size: 0
    timeContext: {
      durationMs: 86400000
    }
  }
}

// The topic first, then the same figures per partition from the line's `byPartition`.
var charts = [
  {
    name: 'records'
    title: 'Records captured'
    visualization: 'timechart'
    query: '${invocations}\n| summarize records = sum(tolong(r.records)), redelivered = sum(tolong(r.redelivered)) by bin(timestamp, 5m)'
  }
  {
    name: 'bytes'
    title: 'Bytes in (bodies) and out (encoded, compressed)'
    visualization: 'timechart'
    query: '${invocations}\n| summarize bytesIn = sum(tolong(r.bytesIn)), bytesOut = sum(tolong(r.bytesOut)) by bin(timestamp, 5m)'
  }
  {
    name: 'sealed'
    title: 'Objects sealed'
    visualization: 'timechart'
    query: '${invocations}\n| summarize objectsSealed = sum(tolong(r.objectsSealed)), lateObjectsSealed = sum(tolong(r.lateObjectsSealed)) by bin(timestamp, 5m)'
  }
  {
    name: 'deadletters'
    title: 'Dead letters by reason'
    visualization: 'timechart'
    query: '${invocations}\n| mv-expand reason = bag_keys(r.deadLettersByReason) to typeof(string)\n| summarize deadLetters = sum(tolong(r.deadLettersByReason[reason])) by reason, bin(timestamp, 5m)'
  }
  {
    name: 'lag'
    title: 'Lag of the topic (minutes behind, oldest record of each batch)'
    visualization: 'timechart'
    query: '${invocations}\n| where isnotnull(r.lagMs)\n| summarize lagMinutes = max(todouble(r.lagMs)) / 60000 by bin(timestamp, 5m)'
  }
  {
    name: 'partition-table'
    title: 'By partition: totals over the time range'
    visualization: 'table'
    query: '${partitionRows}\n| summarize records = sum(tolong(p.records)), bytesIn = sum(tolong(p.bytesIn)), bytesOut = sum(tolong(p.bytesOut)), objectsSealed = sum(tolong(p.objectsSealed)), lateObjectsSealed = sum(tolong(p.lateObjectsSealed)), deadLetters = sum(tolong(p.deadLetters)), maxLagMinutes = max(todouble(p.lagMs)) / 60000 by partition\n| order by toint(partition) asc, partition asc'
  }
  {
    name: 'partition-records'
    title: 'Records by partition'
    visualization: 'timechart'
    query: '${partitionRows}\n| summarize records = sum(tolong(p.records)) by partition, bin(timestamp, 5m)'
  }
  {
    name: 'partition-bytes'
    title: 'Bytes out (encoded, compressed) by partition'
    visualization: 'timechart'
    query: '${partitionRows}\n| summarize bytesOut = sum(tolong(p.bytesOut)) by partition, bin(timestamp, 5m)'
  }
  {
    name: 'partition-sealed'
    title: 'Objects sealed (late ones included) by partition'
    visualization: 'timechart'
    query: '${partitionRows}\n| summarize objectsSealed = sum(tolong(p.objectsSealed) + tolong(p.lateObjectsSealed)) by partition, bin(timestamp, 5m)'
  }
  {
    name: 'partition-deadletters'
    title: 'Dead letters by partition'
    visualization: 'timechart'
    query: '${partitionRows}\n| summarize deadLetters = sum(tolong(p.deadLetters)) by partition, bin(timestamp, 5m)'
  }
  {
    name: 'partition-lag'
    title: 'Lag by partition (minutes behind, oldest record of each batch)'
    visualization: 'timechart'
    query: '${partitionRows}\n| where isnotnull(p.lagMs)\n| summarize lagMinutes = max(todouble(p.lagMs)) / 60000 by partition, bin(timestamp, 5m)'
  }
  {
    name: 'compaction-backlog'
    title: 'Compaction backlog by partition group (hours behind)'
    visualization: 'timechart'
    query: '${compactions}\n| summarize hoursBehind = max(toint(r.hoursBehind)) by partitions = tostring(r.partitions), bin(timestamp, 1h)'
  }
  {
    name: 'failures'
    title: 'Failed invocations'
    visualization: 'timechart'
    query: 'requests\n| where success == false\n| summarize failures = count() by operation_Name, bin(timestamp, 5m)'
  }
  {
    name: 'failure-lines'
    title: 'Latest failures'
    visualization: 'table'
    query: '${operatorEvents}\n| where tostring(r.event) in ("capture.failure", "capture.ledger-missing", "capture.ledger-unreadable", "capture.positions-ambiguous", "capture.topic-mismatch", "capture.positions-restarted")\n| project event = tostring(r.event), timestamp, function = tostring(r.function), retriable = tobool(r.retriable), error = tostring(r.error), action = tostring(r.action)\n| order by timestamp desc\n| take 50'
  }
]

var titleItem = {
  type: 1
  name: 'title'
  content: {
    json: '## Capture of ${topicName}\nFrom the one log line each invocation writes. Raw objects land under raw/ of the lake container, dead letters under deadletter/.'
  }
}

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat([titleItem], map(charts, chart => chartItem(chart)))
  fallbackResourceIds: [
    appInsights.id
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, appInsightsName, 'capture-workbook')
  location: location
  kind: 'shared'
  properties: {
    displayName: 'Capture: ${topicName}'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: string(workbookContent)
  }
}

output workbookName string = workbook.name
