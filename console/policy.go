package console

import "net/http"

func (c *Console) policy(w http.ResponseWriter, r *http.Request, s *session) {
	d := c.o.Engine().Policy().Describe()
	c.show(w, r, s, "policy", "Policy in force", map[string]any{"Policy": d, "Reload": c.reload(), "File": d.File})
}
