extension OSRegistry {
    /// The environment to start `id` from (`readOS`: it holds only public values); `form`
    /// defaults to what the OS's verifier reads (``AgentOSEnvironment/Form/standard(for:)``).
    public func environment(_ access: OrgAccess, os id: String, form: AgentOSEnvironment.Form?) async throws -> AgentOSEnvironment {
        try access.require(.readOS)
        let os = try await find(access.org, id)
        return try AgentOSEnvironment.make(
            os: os,
            org: access.org.slug,
            form: form ?? .standard(for: os.verifier),
            published: try await keys.keys(of: os).filter { $0.state.isPublished },
            baseURL: publicURL,
            statusLists: statusLists
        )
    }
}
