package nodeos

import "context"

// ProducerSchedule is the reply of /v1/chain/get_producer_schedule. A schedule nodeos reports
// as null is nil: pending when no change is queued, proposed always under Savanna.
type ProducerSchedule struct {
	Active   *AuthoritySchedule `json:"active"`
	Pending  *AuthoritySchedule `json:"pending"`
	Proposed *AuthoritySchedule `json:"proposed"`
}

// AuthoritySchedule is a versioned, ordered list of producers with their signing authorities.
type AuthoritySchedule struct {
	Version   uint32              `json:"version"`
	Producers []ProducerAuthority `json:"producers"`
}

// Schedule returns the producer order used by the slot math. A nil schedule gives the empty
// Schedule.
func (s *AuthoritySchedule) Schedule() Schedule {
	if s == nil {
		return Schedule{}
	}
	out := Schedule{Version: s.Version, Producers: make([]string, len(s.Producers))}
	for i, p := range s.Producers {
		out.Producers[i] = p.ProducerName
	}
	return out
}

// ActiveSchedule returns the active schedule as a Schedule (empty when nodeos sent none).
func (s *ProducerSchedule) ActiveSchedule() Schedule { return s.Active.Schedule() }

// GetProducerSchedule calls /v1/chain/get_producer_schedule.
func (c *Client) GetProducerSchedule(ctx context.Context) (*ProducerSchedule, error) {
	var out ProducerSchedule
	if err := c.call(ctx, PathGetProducerSchedule, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
