package statement

import "github.com/scorecard/scorecard/pkg/policy"

// metricLabels name each metric in Chinese; a KPI is labelled by its
// metric, so a policy's own KPI ids still read in Chinese.
var metricLabels = map[policy.Metric]string{
	policy.MetricSatisfactionRate:        "客户满意度",
	policy.MetricOnTimeRate:              "工单及时率",
	policy.MetricComplaintSuccessRate:    "投诉处理成功率",
	policy.MetricResponsibilityIncidents: "责任事故",
	policy.MetricAttitudeComplaints:      "服务态度投诉",
	policy.MetricCommunicationErrors:     "沟通失误",
	policy.MetricExamScore:               "技能考试",
	policy.MetricProblemSolvingRating:    "问题解决评分",
	policy.MetricAvgFirstResponseMinutes: "平均首次响应(分钟)",
	policy.MetricAvgResolutionHours:      "平均解决时长(小时)",
	policy.MetricComplaintRate:           "投诉率",
	policy.MetricRepeatRate:              "重复报修率",
	policy.MetricCostPerTicket:           "单均成本(元)",
	policy.MetricSurveyCount:             "回访数",
	policy.MetricAvgPeerReview:           "同事互评均分",
}

var dimensionLabels = map[string]string{
	"performance": "业绩",
	"attitude":    "态度",
	"ability":     "能力",
	"analysis":    "分析(不计分)",
}

func dimensionLabel(d string) string {
	if l, ok := dimensionLabels[d]; ok {
		return l
	}
	return d
}

// unitSuffix is how a metric's unit follows a number.
func unitSuffix(u policy.Unit) string {
	switch u {
	case policy.UnitPercent:
		return "%"
	case policy.UnitMinutes:
		return " 分钟"
	case policy.UnitHours:
		return " 小时"
	case policy.UnitYuan:
		return " 元"
	}
	return ""
}

// kpiDefs indexes the KPIs that applied to a role (its variant, or the
// base policy).
func kpiDefs(pol *policy.Policy, role string) map[string]policy.KPI {
	m := map[string]policy.KPI{}
	if pol == nil {
		return m
	}
	kpis := pol.KPIs
	if r, err := pol.ForRole(role); err == nil {
		kpis = r.KPIs
	}
	for _, k := range kpis {
		m[k.ID] = k
	}
	return m
}

func kpiLabel(defs map[string]policy.KPI, id string) string {
	if k, ok := defs[id]; ok {
		if l, ok := metricLabels[k.Metric]; ok {
			return l
		}
	}
	return id
}

// bandLabel is the policy's label of a band ("优秀"), or "".
func bandLabel(pol *policy.Policy, band string) string {
	if pol == nil {
		return ""
	}
	for _, b := range pol.Bands {
		if b.Name == band {
			return b.Label
		}
	}
	return ""
}

// bandRank is a band's place in the policy (0 the best), -1 if unknown.
func bandRank(pol *policy.Policy, band string) int {
	if pol == nil {
		return -1
	}
	for i, b := range pol.Bands {
		if b.Name == band {
			return i
		}
	}
	return -1
}
