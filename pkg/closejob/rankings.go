package closejob

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/ranking"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
	"github.com/scorecard/scorecard/pkg/statement"
)

// rankingsFile renders the version's rankings (spec §10), written with the
// other files of the version, before its manifest.
func rankingsFile(month calendar.Month, version int32, rs []schema.Ranking) (file, error) {
	rows := make([]schema.Ranking, len(rs))
	for i, r := range rs {
		r.Version = version
		rows[i] = r
	}
	var buf bytes.Buffer
	if err := normalized.WriteAll(&buf, rows); err != nil {
		return file{}, fmt.Errorf("writing rankings: %w", err)
	}
	return file{bucket.Rankings(month, version), buf.Bytes(), int64(len(rows))}, nil
}

// RankLine is one line of the close report's ranking: the overall top.
type RankLine struct {
	Rank       int32  `json:"rank"`
	EmployeeID string `json:"employee_id"`
	Team       string `json:"team,omitempty"`
	Score      string `json:"score"`
	Star       bool   `json:"star,omitempty"`
	Flags      string `json:"flags,omitempty"`
}

// reportTop is how many overall ranks the close report shows.
const reportTop = 10

func topLines(rs []schema.Ranking) []RankLine {
	var out []RankLine
	for _, r := range rs {
		if r.Scope != schema.RankOverall || r.Rank > reportTop {
			continue
		}
		l := RankLine{Rank: r.Rank, EmployeeID: r.EmployeeID, Star: r.Star}
		if r.Team != nil {
			l.Team = *r.Team
		}
		if r.ScoreCenti != nil {
			l.Score = payroll.FormatCenti(*r.ScoreCenti)
		}
		var flags []string
		if r.SmallSample {
			flags = append(flags, "small_sample")
		}
		if r.NoActivity {
			flags = append(flags, "no_activity")
		}
		l.Flags = strings.Join(flags, ", ")
		out = append(out, l)
	}
	return out
}

func rank(res *score.Result, pol *policy.Policy) []schema.Ranking {
	return ranking.Rank(res.Cards, pol)
}

func (r *Report) rankingMarkdown(b *strings.Builder) {
	if len(r.Ranking) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Ranking (top %d overall; ★ 月度服务之星)\n\n| rank | employee | team | score | star | flags |\n|---|---|---|---|---|---|\n", reportTop)
	for _, l := range r.Ranking {
		star := ""
		if l.Star {
			star = "★"
		}
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s |\n", l.Rank, l.EmployeeID, l.Team, l.Score, star, l.Flags)
	}
}

// rankingsTable is the manager's report's ranking section: the overall top
// reportTop (ties included), with each one's rank within the team.
func rankingsTable(rs []schema.Ranking, lines []RankLine) *statement.Rankings {
	if len(lines) == 0 {
		return nil
	}
	inTeam := map[string]schema.Ranking{}
	for _, r := range rs {
		if r.Scope == schema.RankTeam {
			inTeam[r.EmployeeID] = r
		}
	}
	t := &statement.Rankings{
		Title:   fmt.Sprintf("本月排名（前 %d 名；★ 月度服务之星）", reportTop),
		Columns: []string{"名次", "工号", "团队", "团队内名次", "得分", "标记"},
	}
	for _, l := range lines {
		rank := fmt.Sprint(l.Rank)
		if l.Star {
			rank += " ★"
		}
		team := ""
		if r, ok := inTeam[l.EmployeeID]; ok {
			team = fmt.Sprintf("%d / %d", r.Rank, r.Of)
		}
		t.Rows = append(t.Rows, []string{rank, l.EmployeeID, l.Team, team, l.Score, l.Flags})
	}
	return t
}
