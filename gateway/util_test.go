package gateway_test

import (
	"bufio"
	"errors"
	"io"
)

func newBufReader(r io.Reader) *bufio.Reader { return bufio.NewReader(r) }

// loginClient is the client side of AUTH LOGIN, as Outlook speaks it.
type loginClient struct{ user, pass string }

func (c *loginClient) Start() (string, []byte, error) { return "LOGIN", nil, nil }
func (c *loginClient) Next(challenge []byte) ([]byte, error) {
	switch string(challenge) {
	case "Username:":
		return []byte(c.user), nil
	case "Password:":
		return []byte(c.pass), nil
	}
	return nil, errors.New("unexpected LOGIN challenge " + string(challenge))
}
