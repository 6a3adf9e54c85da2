// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ICertificateLedger
/// @notice The consortium's ledger-based PKI (ITU SEM-002): end entities apply for X.509 certificates by transaction,
/// consortium members validate domain control (DV) or endorse the applicant (OV, EV) up to a threshold fixed at
/// deployment, the member holding the issuing CA records each certificate it issues, and revocation is a transaction.
/// The ledger record, not the certificate alone, is the source of truth for validity.
/// @dev Application ids derive from content and applicant (applicationIdOf), never from a counter. The DNS name and
/// organisation are public facts of a server certificate (CT publishes them); a natural person's name never goes here.
interface ICertificateLedger {
    /// @notice DV: domain validated; OV: organisation validated; EV: extended validation.
    enum Kind {
        DV,
        OV,
        EV
    }

    /// @notice Lifecycle of an application: filed, then issued, then possibly revoked.
    enum State {
        None,
        Filed,
        Issued,
        Revoked
    }

    /// @notice An application and, once issued, its certificate's facts.
    struct Application {
        address applicant;
        Kind kind;
        State state;
        bool identified;
        uint16 domainAttestations;
        uint16 endorsements;
        address issuer;
        bytes32 certificateHash;
        bytes32 caHash;
        uint64 revokedAt;
        uint8 revocationReason;
    }

    /// @notice Thrown when an input is malformed; `field` names it.
    error InvalidPkiArgument(string field);
    /// @notice Thrown when an identified application comes from an account that is not a consortium member.
    error NotIdentifiable(address applicant);
    /// @notice Thrown when an application with this id exists already (same content, applicant and salt).
    error ApplicationExists(bytes32 id);
    /// @notice Thrown when no application has this id.
    error UnknownApplication(bytes32 id);
    /// @notice Thrown when the application is not in the state the call needs.
    error WrongState(bytes32 id, State state);
    /// @notice Thrown when the caller holds none of the validator/endorser roles.
    error NotAValidator(address caller);
    /// @notice Thrown when the caller is the application's applicant (nobody vouches for itself).
    error SelfEndorsement(bytes32 id, address caller);
    /// @notice Thrown when this member already attested or endorsed this application.
    error AlreadyVouched(bytes32 id, address member);
    /// @notice Thrown when a DV application is endorsed, or an OV/EV one is given a domain attestation.
    error WrongKind(bytes32 id, Kind kind);
    /// @notice Thrown when the caller does not hold the issuer role, or is not the member holding the current CA.
    error NotTheIssuer(address caller);
    /// @notice Thrown when issuance is asked before the application reached its kind's threshold.
    error ThresholdNotMet(bytes32 id, uint256 have, uint256 need);
    /// @notice Thrown when no issuing CA is registered yet.
    error NoIssuingCa();
    /// @notice Thrown when this certificate (by SHA-256) was recorded already.
    error CertificateExists(bytes32 certificateHash);
    /// @notice Thrown when the caller may not revoke: only the issuer or the applicant may.
    error NotAllowedToRevoke(bytes32 id, address caller);

    /// @notice An application was filed. `publicKey` is the certified key's SubjectPublicKeyInfo (DER).
    event ApplicationFiled(
        bytes32 indexed id,
        address indexed applicant,
        Kind kind,
        bool identified,
        string dnsName,
        string organization,
        bytes publicKey
    );
    /// @notice A validator attested that the applicant controls the DNS name (it answered the HTTP-01 challenge).
    event DomainControlAttested(bytes32 indexed id, address indexed validator, uint16 attestations);
    /// @notice An endorser vouched for an OV/EV applicant.
    event ApplicationEndorsed(bytes32 indexed id, address indexed endorser, uint16 endorsements);
    /// @notice A member holding the issuer role registered the consortium's issuing CA certificate (DER).
    event IssuingCaSet(address indexed issuer, bytes32 indexed caHash, bytes caCertificate);
    /// @notice A certificate was issued for an application; `certificate` is its DER.
    event CertificateIssued(
        bytes32 indexed id,
        address indexed issuer,
        bytes32 indexed certificateHash,
        bytes32 caHash,
        bytes certificate
    );
    /// @notice A certificate was revoked (RFC 5280 CRLReason code).
    event CertificateRevoked(bytes32 indexed id, address indexed by, uint8 reason);

    /// @notice Files an application. Anyone may file an anonymous one; an identified one names a consortium member.
    /// @param kind DV, OV or EV.
    /// @param identified Whether the certificate names the applicant's organisation (members only).
    /// @param dnsName The DNS name to certify (1..253 bytes).
    /// @param organization The organisation named in an identified certificate ("" when anonymous).
    /// @param publicKey The SubjectPublicKeyInfo (DER) to certify.
    /// @param salt Chosen by the applicant so that the same request can be filed again.
    /// @return id applicationIdOf(msg.sender, kind, identified, dnsName, organization, publicKey, salt).
    /// Requirements: an identified applicant is a member; an anonymous one names no organisation; the id is new.
    /// Emits ApplicationFiled.
    function fileApplication(
        Kind kind,
        bool identified,
        string calldata dnsName,
        string calldata organization,
        bytes calldata publicKey,
        bytes32 salt
    ) external returns (bytes32 id);

    /// @notice A validator attests that the DV applicant answered the HTTP-01 challenge for the name.
    /// Requirements: caller holds a validator role and is not the applicant; DV; filed; once per member.
    /// Emits DomainControlAttested.
    function attestDomainControl(bytes32 id) external;

    /// @notice An endorser vouches for an OV or EV applicant.
    /// Requirements: caller holds an endorser role and is not the applicant; OV or EV; filed; once per member.
    /// Emits ApplicationEndorsed.
    function endorse(bytes32 id) external;

    /// @notice Registers the issuing CA certificate; the caller becomes the issuing member.
    /// Requirements: caller holds the issuer role (granted by consortium governance). Emits IssuingCaSet.
    function setIssuingCa(bytes calldata caCertificate) external;

    /// @notice Records the certificate issued for an application (its SHA-256 computed here).
    /// Requirements: caller is the member holding the current CA and still holds the issuer role; the application is
    /// filed and met its kind's threshold. Emits CertificateIssued.
    function recordIssuance(bytes32 id, bytes calldata certificate) external;

    /// @notice Revokes an issued certificate. Requirements: caller is its issuer or its applicant. Emits CertificateRevoked.
    function revoke(bytes32 id, uint8 reason) external;

    /// @notice The application id the given content yields for `applicant`.
    function applicationIdOf(
        address applicant,
        Kind kind,
        bool identified,
        string calldata dnsName,
        string calldata organization,
        bytes calldata publicKey,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice One application.
    function application(bytes32 id) external view returns (Application memory);
    /// @notice The application a certificate (by SHA-256 of its DER) was issued for; zero when unknown.
    function applicationOfCertificate(bytes32 certificateHash) external view returns (bytes32);
    /// @notice Whether `member` attested or endorsed the application.
    function hasVouched(bytes32 id, address member) external view returns (bool);
    /// @notice The current issuing CA's hash and its member.
    function issuingCa() external view returns (bytes32 caHash, address issuer);
    /// @notice Thresholds fixed at deployment: DV attestations, OV endorsements, EV endorsements.
    function thresholds() external view returns (uint16 dv, uint16 ov, uint16 ev);
    /// @notice Contract version.
    function version() external pure returns (string memory);
}
