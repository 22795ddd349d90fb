// The in-memory graph view arrives with the graph issue.
namespace dg {}
