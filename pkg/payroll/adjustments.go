package payroll

// Adjustment is one applied adjustment (spec §10) as the manifest lists it:
// what it did and why, and the export row it came from.
type Adjustment struct {
	ID         string `json:"adjustment_id"`
	Action     string `json:"action"`
	EmployeeID string `json:"employee_id,omitempty"`
	// From is the employee a reassigned ticket was credited to before.
	From       string `json:"from_employee_id,omitempty"`
	TicketID   string `json:"ticket_id,omitempty"`
	ResponseID string `json:"response_id,omitempty"`
	KPI        string `json:"kpi,omitempty"`
	Points     string `json:"points,omitempty"`
	Reason     string `json:"reason"`
	ApprovedBy string `json:"approved_by"`
	SourceKey  string `json:"source_key"`
	SourceRow  int64  `json:"source_row"`
}
