// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IOrganisationRegistry
/// @notice EIDL organisation accounts and the trust hierarchy that vets them (ATIS EIDL "Trust Authority Hierarchy").
/// An organisation account is a did:ethr identity address. Its controller is the identity's current ERC-1056 owner, and
/// that controller must act for the consortium member that created the account (a member address or an account bound
/// to it): a DID handed to an outsider controls nothing here.
///
/// Trust hierarchy, enforced on chain:
/// - roots: a TrustAuthority or NumberingAuthority organisation is authorized while its member is active and holds
///   TRUST_AUTHORITY / NUMBERING_AUTHORITY; nobody vets a root;
/// - the Trust Authority vets Tnsp, KycVetter, Osp and Csp organisations;
/// - a KYC vetter vets Tnr, Brand and Bpo organisations, and only while it is itself Authorized.
///
/// `isAuthorized` is computed at read time through the hierarchy: an organisation is authorized iff its member is
/// active and still holds the role of its type, and its latest Complete vetting says Authorized and was made by a vetter
/// that is itself authorized now. When a vetter stops being authorized, everything it vetted stops being authorized in
/// the same block, with no clean-up transaction. An In Progress record (e.g. a re-vetting) is history only: it neither
/// grants nor withdraws authorization; a Complete record does.
/// @dev Enumerations keep the seed's numbers (Annex A): OrgType 0..6 as in `createAccount`, 7 and 8 are ours.
interface IOrganisationRegistry {
    /// @notice Organisation types. 0..6 are Annex A's `type`; NumberingAuthority and Osp are named by the seed without
    /// a number.
    enum OrgType {
        KycVetter,
        Tnr,
        Brand,
        Bpo,
        Tnsp,
        Csp,
        TrustAuthority,
        NumberingAuthority,
        Osp
    }

    /// @notice Annex A vetting `status`.
    enum VettingStatus {
        InProgress,
        Complete
    }

    /// @notice Annex A vetting `result`.
    enum VettingResult {
        Authorized,
        NotAuthorized,
        Blacklisted
    }

    /// @notice An organisation account. `member` is the consortium member that created it; `lastCompleteVersion` is
    /// the version of its latest Complete vetting (0 when none); `vettingCount` the number of vetting records.
    struct Organisation {
        OrgType orgType;
        address member;
        uint64 createdAt;
        uint16 vettingCount;
        uint16 lastCompleteVersion;
        string name;
    }

    /// @notice One vetting record. `version` counts per organisation from 1; `credentialHash` is keccak256 of the id
    /// of the VettingStatus verifiable credential the vetter issued off chain (its status lives in the
    /// CredentialStatusRegistry).
    struct Vetting {
        VettingStatus status;
        VettingResult result;
        address vetter;
        uint64 effectiveAt;
        uint16 version;
        bytes32 credentialHash;
    }

    /// @notice Emitted when an organisation account is created.
    /// @param controller The account that created it (the identity's ERC-1056 owner at the time).
    event OrganisationCreated(
        address indexed identity,
        OrgType orgType,
        address indexed member,
        address controller,
        string name
    );

    /// @notice Emitted for every vetting record.
    event VettingRecorded(
        address indexed organisation,
        address indexed vetter,
        VettingStatus status,
        VettingResult result,
        uint16 version,
        uint64 effectiveAt,
        bytes32 credentialHash
    );

    /// @notice Thrown when a constructor argument is the zero address.
    error ZeroAddress(string what);
    /// @notice Thrown when `identity` is the zero address.
    error ZeroIdentity();
    /// @notice Thrown when an organisation name is empty or longer than `max` bytes.
    error InvalidName(uint256 length, uint256 max);
    /// @notice Thrown when `identity` already has an organisation account.
    error OrganisationExists(address identity);
    /// @notice Thrown when no organisation account exists for `identity`.
    error UnknownOrganisation(address identity);
    /// @notice Thrown when `caller` is not the current ERC-1056 owner (`owner`) of `identity`.
    error NotIdentityOwner(address identity, address caller, address owner);
    /// @notice Thrown when `caller` does not act for an active consortium member.
    error NotAMemberAccount(address caller);
    /// @notice Thrown when the caller's member lacks `role`, the role that organisation type `orgType` requires.
    error RoleRequired(address caller, OrgType orgType, bytes32 role);
    /// @notice Thrown when `caller` acts for `callerMember` but the organisation belongs to `orgMember`.
    error NotOrganisationMember(address organisation, address caller, address callerMember, address orgMember);
    /// @notice Thrown when an organisation of type `vetterType` may not vet one of type `subjectType`.
    error VettingNotAllowed(address vetter, OrgType vetterType, address organisation, OrgType subjectType);
    /// @notice Thrown when the vetter is not itself authorized now.
    error VetterNotAuthorized(address vetter);
    /// @notice Thrown when an organisation tries to vet itself, or one created by the same member.
    error SelfVetting(address organisation);
    /// @notice Thrown when an organisation already has the maximum number of vetting records (type(uint16).max).
    error VettingHistoryFull(address organisation);
    /// @notice Thrown when `vetter` would supersede the complete vetting `decidingVetter` recorded for `organisation`:
    /// only the deciding vetter or a Trust Authority may, unless the deciding vetter is no longer authorized.
    error NotDecidingVetter(address organisation, address decidingVetter, address vetter);

    /// @notice Creates the organisation account of DID identity `identity`.
    /// @dev Requirements:
    /// - `identity` is non-zero and has no account yet;
    /// - the caller is `identity`'s current ERC-1056 owner (the agent first makes its member-bound controller account
    ///   the owner of a freshly generated identity, e.g. with `changeOwnerSigned`);
    /// - the caller acts for an active member holding the role of `orgType` (KycVetter KYC_VETTER, Tnr TNR, Brand
    ///   ENTERPRISE, Bpo BPO, Tnsp TNSP, Csp CSP, TrustAuthority TRUST_AUTHORITY, NumberingAuthority
    ///   NUMBERING_AUTHORITY, Osp OSP);
    /// - `name` is 1..128 bytes (an organisation's public name, not personal data).
    /// Emits OrganisationCreated.
    function createAccount(address identity, OrgType orgType, string calldata name) external;

    /// @notice Records a vetting decision of `vetter` about organisation `org`.
    /// @dev Requirements:
    /// - both accounts exist, differ and belong to different members (no self-vetting through a second role);
    /// - the caller controls `vetter` (its ERC-1056 owner, acting for its member);
    /// - the hierarchy allows it (`canVet`; a Trust Authority may also supersede a KYC vetter's complete decision) and
    ///   `vetter` is authorized now;
    /// - once `org` has a complete vetting, only its deciding vetter or a Trust Authority supersedes it
    ///   (NotDecidingVetter), unless the deciding vetter is no longer authorized;
    /// - `org` has fewer than 65535 records.
    /// The record takes effect now and gets the next version, except that a trailing InProgress record is replaced
    /// (keeping its version), so InProgress records never fill the history. A Complete record becomes the one
    /// `isAuthorized` reads.
    /// Emits VettingRecorded.
    function recordVetting(
        address vetter,
        address org,
        VettingStatus status,
        VettingResult result,
        bytes32 credentialHash
    ) external;

    /// @notice Whether `org` is authorized now, through the whole hierarchy (see the contract notice). False for an
    /// unknown address.
    function isAuthorized(address org) external view returns (bool);

    /// @notice Whether `account` controls organisation `org` now: it is the ERC-1056 owner of `org` and acts for the
    /// member that created `org`. False for an unknown organisation.
    function isController(address org, address account) external view returns (bool);

    /// @notice The account of `identity`.
    /// @dev Requirements: the account exists (else UnknownOrganisation).
    function organisation(address identity) external view returns (Organisation memory);

    /// @notice Whether `identity` has an organisation account.
    function exists(address identity) external view returns (bool);

    /// @notice The type of `identity`'s account without its name (cheap for other contracts); `found` is false (and
    /// the type KycVetter) when there is no account.
    function typeOf(address identity) external view returns (bool found, OrgType orgType);

    /// @notice The latest vetting record of `org` (any status); a zero record with version 0 when never vetted.
    /// @dev Requirements: the account exists.
    function currentVetting(address org) external view returns (Vetting memory);

    /// @notice The latest Complete vetting record of `org`, the one `isAuthorized` reads; version 0 when none.
    /// @dev Requirements: the account exists.
    function decidingVetting(address org) external view returns (Vetting memory);

    /// @notice Every vetting record of `org`, oldest first.
    /// @dev Requirements: the account exists.
    function vettingHistory(address org) external view returns (Vetting[] memory);

    /// @notice Whether the hierarchy lets an organisation of type `vetterType` vet one of type `subjectType`.
    function canVet(OrgType vetterType, OrgType subjectType) external pure returns (bool);

    /// @notice The consortium role a member needs to hold an organisation of type `orgType`.
    function roleFor(OrgType orgType) external pure returns (bytes32);

    /// @notice Number of organisation accounts created.
    function organisationCount() external view returns (uint256);

    /// @notice The consortium registry this registry asks about members and roles.
    function consortium() external view returns (address);

    /// @notice The ERC-1056 DID registry this registry asks about identity owners.
    function didRegistry() external view returns (address);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
