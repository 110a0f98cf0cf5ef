package lambdasecret

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// fakeExtension answers like the Parameters and Secrets extension for one
// parameter, checking the request.
func fakeExtension(t *testing.T, token, name, value string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/systemsmanager/parameters/get" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if got := r.Header.Get("X-Aws-Parameters-Secrets-Token"); got != token {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if got := r.URL.Query().Get("withDecryption"); got != "true" {
			t.Errorf("withDecryption = %q, want true", got)
		}
		if r.URL.Query().Get("name") != name {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"__type":"ParameterNotFound","message":""}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"Parameter":{"ARN":"arn:aws:ssm:eu-west-1:123456789012:parameter` + name + `","DataType":"text","Name":"` + name +
			`","Type":"SecureString","Value":` + quote(value) + `,"Version":3},"ResultMetadata":{}}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func quote(s string) string {
	if s == "\x00null" {
		return "null"
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

func TestGetParameterFromEnvironment(t *testing.T) {
	srv := fakeExtension(t, "session-token", "/scorecard/customer-key", "s3cr3t+/=")
	u, _ := url.Parse(srv.URL)
	t.Setenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", u.Port())
	t.Setenv("AWS_SESSION_TOKEN", "session-token")
	got, err := GetParameter(context.Background(), "/scorecard/customer-key")
	if err != nil {
		t.Fatal(err)
	}
	if got != "s3cr3t+/=" {
		t.Errorf("value = %q", got)
	}
}

func TestGetParameterErrors(t *testing.T) {
	srv := fakeExtension(t, "tok", "/p", "v")
	tests := []struct {
		name, param, token, want string
	}{
		{"wrong token", "/p", "other", "403 Forbidden"},
		{"unknown parameter", "/missing", "tok", "ParameterNotFound"},
		{"empty name", "", "tok", "empty parameter name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{Endpoint: srv.URL, Token: tt.token}
			_, err := c.GetParameter(context.Background(), tt.param)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestGetParameterEmptyValue(t *testing.T) {
	for _, v := range []string{"", "\x00null"} {
		srv := fakeExtension(t, "tok", "/p", v)
		_, err := (&Client{Endpoint: srv.URL, Token: "tok"}).GetParameter(context.Background(), "/p")
		if err == nil {
			t.Errorf("value %q: no error", v)
		}
	}
}

func TestGetParameterNoToken(t *testing.T) {
	t.Setenv("AWS_SESSION_TOKEN", "")
	_, err := GetParameter(context.Background(), "/p")
	if err == nil || !strings.Contains(err.Error(), "AWS_SESSION_TOKEN") {
		t.Errorf("err = %v", err)
	}
}

func TestGetParameterNoExtension(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens there any more
	_, err := (&Client{Endpoint: srv.URL, Token: "tok"}).GetParameter(context.Background(), "/p")
	if err == nil || !strings.Contains(err.Error(), "layer attached") {
		t.Errorf("err = %v", err)
	}
}
