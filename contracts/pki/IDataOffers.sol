// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IDataOffers
/// @notice Paid data offers (ITU ENT-001): a client asks for data about a place and time (e.g. a satellite tile) by
/// its query key; if a provider published a free dataset for that key, the ledger answers it at once, otherwise the
/// request is a call for offers. Providers offer with a price and the root their data was time-stamped under (it
/// must be anchored on the TimestampLedger, so the data's proof of existence travels with it). The client pays one
/// offer in the settlement token (pull-based: it approves this contract first); the provider then records the
/// access it granted. A request is paid once: a replayed or second payment is refused.
interface IDataOffers {
    /// @notice Life of a request.
    enum RequestState {
        None,
        Open,
        Served,
        Paid
    }

    /// @notice A free dataset a provider published.
    struct Dataset {
        address provider;
        bytes32 query;
        bytes32 dataRoot;
    }

    /// @notice A client's request.
    struct Request {
        address client;
        bytes32 query;
        RequestState state;
        bytes32 datasetId;
        bytes32 paidOffer;
    }

    /// @notice A provider's offer on a request.
    struct Offer {
        bytes32 requestId;
        address provider;
        uint256 price;
        bytes32 dataRoot;
        bool accessGranted;
        bytes32 accessRef;
    }

    /// @notice Thrown when the caller is not a consortium member.
    error NotAMember(address caller);
    /// @notice Thrown when an argument is unusable; `field` names it.
    error InvalidOfferArgument(string field);
    /// @notice Thrown when a data root was never anchored on the TimestampLedger.
    error DataNotTimestamped(bytes32 dataRoot);
    /// @notice Thrown when an id is taken already.
    error AlreadyExists(bytes32 id);
    /// @notice Thrown when no request has this id.
    error UnknownRequest(bytes32 requestId);
    /// @notice Thrown when no offer has this id.
    error UnknownOffer(bytes32 offerId);
    /// @notice Thrown when the request is not open for offers or payment.
    error RequestNotOpen(bytes32 requestId, RequestState state);
    /// @notice Thrown when the request was paid already (a replayed or second payment).
    error AlreadyPaid(bytes32 requestId, bytes32 paidOffer);
    /// @notice Thrown when the caller is not the request's client.
    error NotTheClient(bytes32 requestId, address caller);
    /// @notice Thrown when the caller is not the offer's provider.
    error NotTheProvider(bytes32 offerId, address caller);
    /// @notice Thrown when access is recorded for an offer that was not paid, or recorded twice.
    error AccessNotDue(bytes32 offerId);

    /// @notice A provider published a free dataset for `query`.
    event DatasetPublished(
        bytes32 indexed datasetId,
        bytes32 indexed query,
        address indexed provider,
        bytes32 dataRoot
    );
    /// @notice A request found a free dataset: served at once.
    event FreeDataServed(
        bytes32 indexed requestId,
        bytes32 indexed datasetId,
        address indexed client,
        bytes32 dataRoot
    );
    /// @notice A request found no free dataset: a call for offers.
    event CallForOffers(bytes32 indexed requestId, bytes32 indexed query, address indexed client);
    /// @notice A provider offered.
    event OfferMade(
        bytes32 indexed offerId,
        bytes32 indexed requestId,
        address indexed provider,
        uint256 price,
        bytes32 dataRoot
    );
    /// @notice The client paid an offer.
    event OfferPaid(
        bytes32 indexed requestId,
        bytes32 indexed offerId,
        address client,
        address provider,
        uint256 price
    );
    /// @notice The provider granted the client access; `accessRef` identifies the grant in its data API.
    event AccessGranted(bytes32 indexed offerId, bytes32 indexed requestId, bytes32 accessRef);

    /// @notice Publishes a free dataset for `query`. Requirements: caller is a member; dataRoot anchored.
    function publishFreeDataset(bytes32 query, bytes32 dataRoot) external returns (bytes32 datasetId);

    /// @notice Asks for data on `query`: served at once from a free dataset, else a call for offers.
    /// Requirements: caller is a member; the id (client, query, salt) unused. Emits FreeDataServed or CallForOffers.
    function requestData(bytes32 query, bytes32 salt) external returns (bytes32 requestId);

    /// @notice Offers data for an open request. Requirements: caller is a member other than the client; price > 0;
    /// dataRoot anchored. Emits OfferMade.
    function makeOffer(bytes32 requestId, uint256 price, bytes32 dataRoot) external returns (bytes32 offerId);

    /// @notice Pays an offer: transfers its price from the client to the provider in the settlement token.
    /// Requirements: caller is the request's client; the request is open and unpaid. Emits OfferPaid.
    function pay(bytes32 offerId) external;

    /// @notice Records the access the provider granted. Requirements: caller is the offer's provider; the offer is
    /// paid; once. Emits AccessGranted.
    function grantAccess(bytes32 offerId, bytes32 accessRef) external;

    /// @notice A request (state None when unknown).
    function request(bytes32 requestId) external view returns (Request memory);
    /// @notice An offer (zero provider when unknown).
    function offer(bytes32 offerId) external view returns (Offer memory);
    /// @notice The free dataset published for `query` first (zero provider when none).
    function freeDataset(bytes32 query) external view returns (Dataset memory);
    /// @notice The settlement token payments are made in.
    function paymentToken() external view returns (address);
    /// @notice Contract version.
    function version() external pure returns (string memory);
}
