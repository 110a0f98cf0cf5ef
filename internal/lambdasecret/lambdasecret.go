// Package lambdasecret reads an SSM parameter (SecureString included)
// through the AWS Parameters and Secrets Lambda Extension, a layer that
// serves GetParameter on localhost and caches the answer. It uses only
// net/http and encoding/json, so a Lambda that needs one secret at start-up
// does not link the SSM client of the AWS SDK (about 1 MB of the
// bootstrap with its schemas).
//
// The extension listens on PARAMETERS_SECRETS_EXTENSION_HTTP_PORT (default
// 2773) and authenticates callers with the function's session token, which
// Lambda puts in AWS_SESSION_TOKEN. The function's role needs
// ssm:GetParameter on the parameter (and kms:Decrypt on its key for a
// customer-managed key), as for a direct SDK call.
package lambdasecret

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// DefaultPort is the extension's port when
// PARAMETERS_SECRETS_EXTENSION_HTTP_PORT is not set.
const DefaultPort = "2773"

// Client reads parameters from the extension. The zero value is ready: it
// takes its settings from the environment on every call.
type Client struct {
	// Endpoint is the extension's base URL; "" means
	// http://localhost:$PARAMETERS_SECRETS_EXTENSION_HTTP_PORT.
	Endpoint string
	// Token is the X-Aws-Parameters-Secrets-Token header; "" means
	// $AWS_SESSION_TOKEN.
	Token string
	// HTTPClient is used for the request; nil means a client with a
	// 10-second timeout.
	HTTPClient *http.Client
}

// GetParameter returns the decrypted value of the SSM parameter name
// (a name or an ARN) with a zero-value Client.
func GetParameter(ctx context.Context, name string) (string, error) {
	var c Client
	return c.GetParameter(ctx, name)
}

var defaultHTTP = &http.Client{Timeout: 10 * time.Second}

// maxBody bounds the response read: an SSM parameter is at most 8 KB.
const maxBody = 1 << 20

// GetParameter returns the decrypted value of the SSM parameter name.
func (c *Client) GetParameter(ctx context.Context, name string) (string, error) {
	if name == "" {
		return "", errors.New("lambdasecret: empty parameter name")
	}
	endpoint := c.Endpoint
	if endpoint == "" {
		port := os.Getenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT")
		if port == "" {
			port = DefaultPort
		}
		endpoint = "http://localhost:" + port
	}
	token := c.Token
	if token == "" {
		token = os.Getenv("AWS_SESSION_TOKEN")
	}
	if token == "" {
		return "", fmt.Errorf("lambdasecret: reading parameter %s: AWS_SESSION_TOKEN is not set (not in a Lambda?)", name)
	}
	u := strings.TrimSuffix(endpoint, "/") + "/systemsmanager/parameters/get?" +
		url.Values{"name": {name}, "withDecryption": {"true"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("lambdasecret: reading parameter %s: %w", name, err)
	}
	req.Header.Set("X-Aws-Parameters-Secrets-Token", token)
	hc := c.HTTPClient
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("lambdasecret: reading parameter %s from the Parameters and Secrets extension (is its layer attached?): %w", name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return "", fmt.Errorf("lambdasecret: reading parameter %s: %w", name, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("lambdasecret: reading parameter %s: extension answered %s: %s", name, resp.Status, snippet(body))
	}
	// The extension answers with the GetParameter response of SSM.
	var out struct {
		Parameter *struct {
			Value *string `json:"Value"`
		} `json:"Parameter"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", fmt.Errorf("lambdasecret: reading parameter %s: decoding the extension's answer: %w", name, err)
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return "", fmt.Errorf("lambdasecret: reading parameter %s: no Parameter.Value in the extension's answer", name)
	}
	if *out.Parameter.Value == "" {
		return "", fmt.Errorf("lambdasecret: parameter %s is empty", name)
	}
	return *out.Parameter.Value, nil
}

// snippet is the start of an error body, on one line.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
