package drill

import (
	"fmt"
	"image/color"
	"io"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Colours of the timeline: one per node, in lane order, and the marks.
var (
	laneColors = []color.RGBA{
		{R: 0x1F, G: 0x77, B: 0xB4, A: 0xFF}, // blue
		{R: 0xFF, G: 0x7F, B: 0x0E, A: 0xFF}, // orange
		{R: 0x2C, G: 0xA0, B: 0x2C, A: 0xFF}, // green
		{R: 0x94, G: 0x67, B: 0xBD, A: 0xFF}, // purple
	}
	missedColor   = color.NRGBA{R: 0xD6, G: 0x27, B: 0x28, A: 0x30}
	doubleColor   = color.RGBA{R: 0xD6, G: 0x27, B: 0x28, A: 0xFF}
	faultColor    = color.RGBA{A: 0xFF}
	takeoverColor = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xFF}
)

// legendTurns is the width, in turns, kept free for the legend right of n turns.
func legendTurns(n int) float64 { return max(3.2, float64(n)*0.3) }

// laneColor is node i's colour.
func laneColor(i int) color.RGBA { return laneColors[i%len(laneColors)] }

// WriteSVG draws the timeline as an SVG image: one lane per node, each of our turns a bar in
// the lane of every node that signed blocks in it (as tall as the share of the turn's 12
// slots it signed), missed turns shaded across the lanes, turns signed by two nodes outlined,
// and the fault (dashed) and the takeover as vertical lines.
func (t Timeline) WriteSVG(w io.Writer) error {
	p := plot.New()
	p.Title.Text = t.Title
	p.X.Label.Text = "our producer's turns (0: the turn of the fault)"
	for _, ts := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label} {
		ts.Font.Variant = "Sans"
	}
	n := len(t.Nodes)
	lane := func(i int) float64 { return float64(n - 1 - i) }
	rect := func(x0, x1, y0, y1 float64) plotter.XYs {
		return plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
	}
	var legend []legendEntry
	add := func(label string, pl plot.Plotter, fill color.Color, line draw.LineStyle) {
		p.Add(pl)
		if label != "" {
			legend = append(legend, legendEntry{label: label, fill: fill, line: line})
		}
	}

	// Missed turns, behind everything.
	missedLegend := "missed turn"
	for i, tt := range t.Turns {
		if !tt.Missed {
			continue
		}
		poly, err := plotter.NewPolygon(rect(float64(i), float64(i)+turnWidth, -0.5, float64(n)-0.5))
		if err != nil {
			return fmt.Errorf("drill: timeline: %w", err)
		}
		poly.Color, poly.LineStyle.Width = missedColor, 0
		add(missedLegend, poly, poly.Color, poly.LineStyle)
		missedLegend = ""
	}
	// Each node's blocks.
	for j, node := range t.Nodes {
		label := "signed by " + node
		for i, tt := range t.Turns {
			blocks := tt.Blocks[node]
			if blocks == 0 {
				continue
			}
			h := 0.7 * min(float64(blocks)/12, 1)
			poly, err := plotter.NewPolygon(rect(float64(i), float64(i)+turnWidth, lane(j)-0.35, lane(j)-0.35+h))
			if err != nil {
				return fmt.Errorf("drill: timeline: %w", err)
			}
			poly.Color, poly.LineStyle.Width = laneColor(j), 0
			add(label, poly, poly.Color, poly.LineStyle)
			label = ""
		}
	}
	// Turns signed by two nodes.
	doubleLegend := "double production"
	for i, tt := range t.Turns {
		if !tt.Double {
			continue
		}
		poly, err := plotter.NewPolygon(rect(float64(i)-0.05, float64(i)+turnWidth+0.05, -0.45, float64(n)-0.55))
		if err != nil {
			return fmt.Errorf("drill: timeline: %w", err)
		}
		poly.Color = nil
		poly.LineStyle = draw.LineStyle{Color: doubleColor, Width: vg.Points(2)}
		add(doubleLegend, poly, nil, poly.LineStyle)
		doubleLegend = ""
	}
	// The fault and the takeover.
	vline := func(s float64, c color.Color, dashed bool, label string) error {
		l, err := plotter.NewLine(plotter.XYs{{X: s, Y: -0.5}, {X: s, Y: float64(n) - 0.5}})
		if err != nil {
			return fmt.Errorf("drill: timeline: %w", err)
		}
		l.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(1.5)}
		if dashed {
			l.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		add(label, l, nil, l.LineStyle)
		return nil
	}
	faultTurn := 0.0
	if t.Fault != 0 {
		faultTurn = float64(int(t.x(t.Fault)))
		if err := vline(t.x(t.Fault), faultColor, true, "fault"); err != nil {
			return err
		}
	}
	if t.Takeover != 0 {
		label := "takeover"
		if t.TakeoverLabel != "" {
			label += ": " + t.TakeoverLabel
		}
		if err := vline(t.x(t.Takeover), takeoverColor, false, label); err != nil {
			return err
		}
	}

	// Axes: one tick per turn (every fifth on long runs), lanes by node name.
	step := 1
	if len(t.Turns) > 30 {
		step = 5
	}
	var xt []plot.Tick
	for i := range t.Turns {
		rel := i - int(faultTurn)
		if rel%step == 0 {
			xt = append(xt, plot.Tick{Value: float64(i) + turnWidth/2, Label: strconv.Itoa(rel)})
		}
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	var yt []plot.Tick
	for j, node := range t.Nodes {
		yt = append(yt, plot.Tick{Value: lane(j), Label: node})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	// Room for the legend right of the last turn.
	p.X.Min, p.X.Max = -0.3, float64(len(t.Turns))+legendTurns(len(t.Turns))
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4

	if err := addLegend(p, legend, float64(len(t.Turns))+0.25, float64(n)-0.5, min(0.42, (float64(n)+0.1)/float64(max(len(legend), 1)))); err != nil {
		return err
	}

	c := vgsvg.NewWith(vgsvg.UseWH(9*vg.Inch, vg.Length(1.8+0.45*float64(n))*vg.Inch), vgsvg.EmbedFonts(false))
	p.Draw(draw.New(c))
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("drill: timeline: %w", err)
	}
	return nil
}

// legendEntry is one line of the legend: a filled box (fill set) or a line (line).
type legendEntry struct {
	label string
	fill  color.Color
	line  draw.LineStyle
}

// addLegend draws the legend as part of the plot, from (x, top) down by row: a sample left of
// each label, so that labels rendered in a wider font than measured run into empty space.
func addLegend(p *plot.Plot, entries []legendEntry, x, top, row float64) error {
	if len(entries) == 0 {
		return nil
	}
	labels := plotter.XYLabels{}
	for k, e := range entries {
		y := top - float64(k)*row
		var sample plot.Plotter
		if e.fill != nil {
			poly, err := plotter.NewPolygon(plotter.XYs{{X: x, Y: y - row/3}, {X: x + 0.35, Y: y - row/3}, {X: x + 0.35, Y: y + row/3}, {X: x, Y: y + row/3}})
			if err != nil {
				return fmt.Errorf("drill: timeline legend: %w", err)
			}
			poly.Color, poly.LineStyle = e.fill, e.line
			sample = poly
		} else {
			l, err := plotter.NewLine(plotter.XYs{{X: x, Y: y}, {X: x + 0.35, Y: y}})
			if err != nil {
				return fmt.Errorf("drill: timeline legend: %w", err)
			}
			l.LineStyle = e.line
			sample = l
		}
		p.Add(sample)
		labels.XYs = append(labels.XYs, plotter.XY{X: x + 0.5, Y: y})
		labels.Labels = append(labels.Labels, e.label)
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return fmt.Errorf("drill: timeline legend: %w", err)
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font.Variant = "Sans"
		l.TextStyle[i].Font.Size = vg.Points(9)
		l.TextStyle[i].YAlign = draw.YCenter
	}
	p.Add(l)
	return nil
}
